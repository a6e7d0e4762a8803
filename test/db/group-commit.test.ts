import { describe, expect, it } from "vitest";
import type { Tx } from "../../src/db/client.js";
import type { UnitContext, UnitOfWork } from "../../src/db/unit-of-work.js";
import { GroupCommit } from "../../src/db/group-commit.js";

/** A unit of work that runs one unit at a time, as the real one does, without a database. */
function serialUow(): { uow: UnitOfWork; units: () => number } {
  let tail: Promise<unknown> = Promise.resolve();
  let units = 0;
  const ctx: UnitContext = { emit: () => undefined, onCommit: () => undefined };
  const uow = {
    run<T>(work: (tx: Tx, ctx: UnitContext) => Promise<T>): Promise<T> {
      const next = tail.then(async () => {
        units++;
        await new Promise((r) => setTimeout(r, 5)); // a transaction takes a while
        return work({} as Tx, ctx);
      });
      tail = next.catch(() => undefined);
      return next;
    },
  } as unknown as UnitOfWork;
  return { uow, units: () => units };
}

describe("GroupCommit", () => {
  it("writes records that arrive together in one transaction, and a lone record at once", async () => {
    const { uow, units } = serialUow();
    const batches: string[][] = [];
    const log = new GroupCommit<string>(uow, async (_tx, _ctx, items) => void batches.push([...items]));
    await Promise.all(["a", "b", "c", "d"].map((x) => log.add(x)));
    expect(batches).toEqual([["a", "b", "c", "d"]]);
    await log.add("e");
    expect(batches.at(-1)).toEqual(["e"]);
    expect(units()).toBe(2);
  });

  it("lets records that arrive while a batch is being written join the next one", async () => {
    const { uow } = serialUow();
    const batches: number[][] = [];
    const log = new GroupCommit<number>(uow, async (_tx, _ctx, items) => {
      batches.push([...items]);
      await new Promise((r) => setTimeout(r, 10));
    });
    const first = log.add(1);
    while (batches.length === 0) await new Promise((r) => setTimeout(r, 1)); // the first batch is being written
    const rest = [2, 3, 4].map((n) => log.add(n));
    await Promise.all([first, ...rest]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it("retries a failed batch record by record: one bad record fails alone", async () => {
    const { uow } = serialUow();
    const written: string[] = [];
    const log = new GroupCommit<string>(uow, async (_tx, _ctx, items) => {
      if (items.includes("bad")) throw new Error("bad record");
      written.push(...items);
    });
    const results = await Promise.allSettled(["x", "bad", "y"].map((v) => log.add(v)));
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(written).toEqual(["x", "y"]);
  });

  it("fails waiting records instead of spinning when no transaction can start", async () => {
    const uow = { run: () => Promise.reject(new Error("database is down")) } as unknown as UnitOfWork;
    const log = new GroupCommit<number>(uow, async () => undefined);
    const results = await Promise.allSettled([log.add(1), log.add(2)]);
    expect(results.every((r) => r.status === "rejected")).toBe(true);
  });
});
