import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { summaryOf } from "../../src/backtest/backtest-views.js";
import { renderReport } from "../../src/backtest/report.js";
import { parseBacktestRequest } from "../../src/backtest/request.js";
import { runBacktest } from "../../src/backtest/run-backtest.js";
import type { BacktestResult } from "../../src/backtest/types.js";
import { formatUsd, usd } from "../../src/core/money.js";

const HOUR = 3_600_000;
// 06:00 UTC: the synthetic feed's funding times at 08:00, 16:00 and 00:00 all fall inside the run.
const FROM = Date.parse("2026-11-01T06:00:00Z");
const TO = FROM + 20 * HOUR;

interface LedgerFunding {
  name: string;
  total: string;
  payments: number;
}

describe("backtest funding per model", { timeout: 240_000 }, () => {
  it("reports each model's funding equal to the sum of its FUNDING ledger rows, exact; trades and open positions carry their share", async () => {
    let fromDb: LedgerFunding[] = [];
    const result: BacktestResult = await runBacktest(
      parseBacktestRequest({
        from: FROM,
        to: TO,
        feed: { kind: "synthetic", seed: 11, intervalMs: 5_000 },
        models: [
          { name: "Trend", kind: "rule", strategy: "trend-following" },
          { name: "Breakout", kind: "rule", strategy: "breakout" },
          { name: "Reverter", kind: "rule", strategy: "mean-reversion" },
        ],
      }),
      {
        // Summed by the database itself, not by the code under test.
        inspect: async (db) => {
          const rows = await db.execute(
            sql`select m.name, coalesce(sum(l.amount), 0)::text as total, count(l.id)::int as payments from models m left join ledger l on l.model_id = m.id and l.kind = 'FUNDING' group by m.name order by m.name`,
          );
          fromDb = (rows as unknown as { rows: LedgerFunding[] }).rows;
        },
      },
    );

    expect(fromDb.map((r) => r.name)).toEqual(["Breakout", "Reverter", "Trend"]);
    // A run where nobody held a position at a funding time would prove nothing.
    expect(fromDb.reduce((n, r) => n + Number(r.payments), 0)).toBeGreaterThan(0);
    expect(fromDb.some((r) => usd(r.total) !== 0n)).toBe(true);

    const html = renderReport(result);
    const view = summaryOf(result);
    for (const row of fromDb) {
      const m = result.models.find((x) => x.name === row.name)!;
      expect(m.metrics.funding, row.name).toBe(formatUsd(usd(row.total)));
      // Every payment sits on a position's row: closed trades and positions still open share it all.
      const onRows = [...m.trades, ...m.openPositions].reduce((sum, t) => sum + usd(t.funding!), 0n);
      expect(onRows, row.name).toBe(usd(row.total));
      // The API's result view carries the same figure.
      expect(view.models.find((x) => x.name === row.name)!.metrics.funding).toBe(m.metrics.funding);
      // And the report's metrics table shows it (its 13th cell), signed.
      const cells = new RegExp(`<tr data-model="${row.name}">(.*?)</tr>`).exec(html)![1]!.split(/<td[^>]*>/);
      const shown = cells[13]!.replace(/<[^>]*>/g, "");
      const total = usd(row.total);
      expect(shown.startsWith(total < 0n ? "-$" : total > 0n ? "+$" : "$"), `${row.name}: ${shown}`).toBe(true);
    }
  });
});
