import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { generate, OUTPUT } from "../../../scripts/lighter-openapi.js";

describe("Lighter OpenAPI types", () => {
  it("src/venues/lighter/openapi.ts is what the pinned zklighter-perps spec generates (run `npm run lighter:types` after a bump)", async () => {
    expect(readFileSync(OUTPUT, "utf8")).toBe(await generate());
  });
});
