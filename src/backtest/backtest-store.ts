import { and, desc, eq, inArray } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { backtests } from "../db/schema.js";
import type { BacktestRow, BacktestStatus, BacktestSummary } from "./backtest-views.js";
import type { BacktestRequest } from "./request.js";
import type { BacktestProgress } from "./types.js";

/** The backtests table: one row per run started from the API, following it from queued to its end. */
export class BacktestStore {
  constructor(private readonly db: Db) {}

  async insert(row: { id: string; request: BacktestRequest; outDir: string; createdAt: Date }): Promise<void> {
    await this.db.insert(backtests).values({ id: row.id, status: "queued", request: row.request as unknown as Record<string, unknown>, outDir: row.outDir, createdAt: row.createdAt });
  }

  async get(id: string): Promise<BacktestRow | undefined> {
    return (await this.db.select().from(backtests).where(eq(backtests.id, id)))[0];
  }

  /** Newest first. */
  async list(): Promise<BacktestRow[]> {
    return this.db.select().from(backtests).orderBy(desc(backtests.createdAt), desc(backtests.id));
  }

  async started(id: string, at: Date): Promise<void> {
    await this.db.update(backtests).set({ status: "running", startedAt: at }).where(eq(backtests.id, id));
  }

  async progress(id: string, progress: BacktestProgress): Promise<void> {
    await this.db
      .update(backtests)
      .set({ progress: progress as unknown as Record<string, unknown> })
      .where(eq(backtests.id, id));
  }

  /** The run's end; only a row still queued or running changes (a cancel or an interruption is never overwritten). */
  async finished(id: string, end: { status: Exclude<BacktestStatus, "queued" | "running">; at: Date; summary?: BacktestSummary; progress?: BacktestProgress; error?: string }): Promise<boolean> {
    const rows = await this.db
      .update(backtests)
      .set({
        status: end.status,
        finishedAt: end.at,
        ...(end.summary ? { summary: end.summary as unknown as Record<string, unknown> } : {}),
        ...(end.progress ? { progress: end.progress as unknown as Record<string, unknown> } : {}),
        error: end.error ?? null,
      })
      .where(and(eq(backtests.id, id), inArray(backtests.status, ["queued", "running"])))
      .returning({ id: backtests.id });
    return rows.length > 0;
  }

  /** Every run still queued or running: failed with `error` (the process that ran them is gone). */
  async interruptAll(error: string, at: Date): Promise<string[]> {
    const rows = await this.db
      .update(backtests)
      .set({ status: "failed", error, finishedAt: at })
      .where(inArray(backtests.status, ["queued", "running"]))
      .returning({ id: backtests.id });
    return rows.map((r) => r.id);
  }

  async delete(id: string): Promise<void> {
    await this.db.delete(backtests).where(eq(backtests.id, id));
  }
}
