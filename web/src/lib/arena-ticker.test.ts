import { describe, expect, it } from "vitest";
import { change24h } from "./arena-ticker.ts";

describe("change24h", () => {
  it("recomputes the change from the live mid against the open 24 hours ago", () => {
    expect(change24h({ mid: "105.00", open24h: "100.00", change24hPct: 1 })).toBeCloseTo(5, 9);
    expect(change24h({ mid: "90", open24h: "120", change24hPct: null })).toBeCloseTo(-25, 9);
  });

  it("falls back to the server's figure, or nothing, without both prices", () => {
    expect(change24h({ mid: null, open24h: "100", change24hPct: 2.5 })).toBe(2.5);
    expect(change24h({ mid: "100", open24h: null, change24hPct: null })).toBeNull();
    expect(change24h({ mid: "100", open24h: "0", change24hPct: null })).toBeNull();
  });
});
