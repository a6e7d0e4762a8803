import { describe, expect, it } from "vitest";
import { Book, type RestingOrder } from "./book.js";
import { parseMicro, parsePrice4 } from "./decimal.js";

/** The pure matcher: price first, then time; makers' prices; dollar budgets in whole 0.01-share lots. */

let seq = 0;
const order = (id: string, side: "BUY" | "SELL", price: string, size: string): RestingOrder => ({ id, side, price4: parsePrice4(price), remaining: parseMicro(size), seq: ++seq });

describe("Book", () => {
  it("fills the best price first and, at one price, the oldest order first", () => {
    const book = new Book();
    book.add(order("first", "SELL", "0.50", "5"));
    book.add(order("dear", "SELL", "0.52", "5"));
    book.add(order("second", "SELL", "0.50", "5"));
    book.add(order("cheap", "SELL", "0.49", "5"));
    const fills = book.plan("BUY", parsePrice4("0.50"), { kind: "shares", micro: parseMicro("12") });
    expect(fills.map((f) => [f.maker.id, f.shares, f.dollars])).toEqual([
      ["cheap", parseMicro("5"), parseMicro("2.45")],
      ["first", parseMicro("5"), parseMicro("2.5")],
      ["second", parseMicro("2"), parseMicro("1")],
    ]);
    book.apply(fills);
    expect(book.levels("SELL").map((l) => [l.price4, l.size])).toEqual([
      [parsePrice4("0.50"), parseMicro("3")],
      [parsePrice4("0.52"), parseMicro("5")],
    ]);
  });

  it("spends a dollar budget in whole 0.01-share lots and never past the worst price", () => {
    const book = new Book();
    book.add(order("a", "SELL", "0.30", "10"));
    book.add(order("b", "SELL", "0.70", "10"));
    const fills = book.plan("BUY", parsePrice4("0.50"), { kind: "dollars", micro: parseMicro("1") });
    // $1 at 0.30 buys 3.33 shares ($0.999); the 0.70 ask is past the worst price.
    expect(fills.map((f) => [f.maker.id, f.shares, f.dollars])).toEqual([["a", parseMicro("3.33"), parseMicro("0.999")]]);
  });

  it("tells whether an order would cross", () => {
    const book = new Book();
    book.add(order("bid", "BUY", "0.40", "10"));
    book.add(order("ask", "SELL", "0.45", "10"));
    expect(book.crosses("BUY", parsePrice4("0.45"))).toBe(true);
    expect(book.crosses("BUY", parsePrice4("0.44"))).toBe(false);
    expect(book.crosses("SELL", parsePrice4("0.40"))).toBe(true);
    expect(book.crosses("SELL", parsePrice4("0.41"))).toBe(false);
  });
});
