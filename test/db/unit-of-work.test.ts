import { describe, expect, it } from "vitest";
import type { Db } from "../../src/db/client.js";
import { UnitOfWork } from "../../src/db/unit-of-work.js";
import { EventBus } from "../../src/events/bus.js";

/** A database whose transactions take a turn of the event loop each and write nothing. */
const slowDb = { transaction: async <T>(work: (tx: unknown) => Promise<T>) => (await new Promise((r) => setImmediate(r)), work({})) } as unknown as Db;

describe("UnitOfWork.turn", () => {
  it("runs in the units' order, outside a transaction: after what was queued before it committed, before what comes after", async () => {
    const uow = new UnitOfWork(slowDb, new EventBus(), false);
    const log: string[] = [];
    let state = 0;
    const first = uow.run(async (_tx, ctx) => ctx.onCommit(() => void (state = 1)));
    const seen = uow.turn(() => {
      log.push(`turn sees ${state}`);
      return state;
    });
    const after = uow.run(async (_tx, ctx) => ctx.onCommit(() => void (state = 2)));
    expect(uow.busy).toBe(true);
    await Promise.all([first, seen, after]);
    expect(await seen).toBe(1);
    expect(log).toEqual(["turn sees 1"]);
    expect(state).toBe(2);
    expect(uow.busy).toBe(false);
  });

  it("a turn that throws rejects alone: the units after it still run", async () => {
    const uow = new UnitOfWork(slowDb, new EventBus(), false);
    const failed = uow.turn(() => {
      throw new Error("no");
    });
    const next = uow.run(async () => "ran");
    await expect(failed).rejects.toThrow("no");
    await expect(next).resolves.toBe("ran");
    await uow.idle();
    expect(uow.busy).toBe(false);
  });
});
