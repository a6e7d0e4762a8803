import { sql } from "drizzle-orm";
import { parseScaled } from "../core/decimal.js";
import { rejected } from "../core/errors.js";
import { formatUsd, type Micro } from "../core/money.js";
import type { Tx } from "../db/client.js";

/**
 * Outcome shares are paid in full when bought, so a buy must be covered by cash the account
 * really has, whoever else trades it. Before the order row of such an entry is written, in the
 * same transaction: the account's row is locked (one entry at a time per account, across
 * processes: a second process waits here until the first has committed), then its free cash is
 * read afresh from the database (the ledger's cash, less the cost of its open positions, less
 * what its working entry orders may still spend), and an entry it does not cover is refused
 * with nothing written. Unrealized gains are not cash: they do not pay for shares.
 */
export async function lockEntryCapital(tx: Tx, modelId: string, cost: Micro): Promise<void> {
  await tx.execute(sql`select id from models where id = ${modelId} for update`);
  // A new statement after the lock: under READ COMMITTED it sees what the other writer committed.
  const result = await tx.execute(sql`
    select
      (select coalesce(sum(amount), 0) from ledger where model_id = ${modelId})::text as cash,
      (select coalesce(sum(entry_cost / leverage), 0) from orders where model_id = ${modelId} and status = 'OPEN')::text as committed,
      (select coalesce(sum((quantity - filled_quantity) * price / leverage), 0) from venue_orders
        where model_id = ${modelId} and purpose = 'OPEN' and price is not null
          and status in ('PENDING', 'OPEN', 'PARTIALLY_FILLED', 'UNKNOWN'))::text as working`);
  const row = (result as unknown as { rows: Array<{ cash: string; committed: string; working: string }> }).rows[0]!;
  const cash = parseScaled(row.cash, 6, "floor");
  // Money held is rounded up: the check never lets through a micro-dollar the account lacks.
  const held = parseScaled(row.committed, 6, "ceil") + parseScaled(row.working, 6, "ceil");
  const free = cash - held;
  if (free < cost) {
    throw rejected(
      "insufficient_margin",
      `the order costs ${formatUsd(cost)} and the account has ${formatUsd(free > 0n ? free : 0n)} of free cash (${formatUsd(cash)} cash, ${formatUsd(held)} in positions and working orders; unrealized gains do not pay for shares)`,
    );
  }
}
