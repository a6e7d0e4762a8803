import { asc, gt } from "drizzle-orm";
import type { Logger } from "../core/logger.js";
import { silentLogger } from "../core/logger.js";
import type { EventBus } from "../events/bus.js";
import type { Database } from "./client.js";
import { lastEventId, OUTBOX_CHANNEL, rowEvent } from "./outbox.js";
import { outbox } from "./schema.js";

/**
 * Other processes' events on this process's bus: on PostgreSQL a worker writes follower trades
 * and mirror outcomes the server must show (the event stream, account figures). Woken by NOTIFY,
 * with a slow poll as a safety net, it reads the outbox after its cursor by id (commit order:
 * see appendEvents) and publishes what another writer wrote, marked `foreign`.
 */
export class OutboxTail {
  private cursor = 0;
  private running: Promise<void> | null = null;
  private again = false;
  private unlisten: (() => Promise<void>) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly logger: Logger;

  constructor(
    private readonly database: Database,
    private readonly bus: EventBus,
    private readonly writer: string,
    logger?: Logger,
  ) {
    this.logger = logger ?? silentLogger;
  }

  async start(pollMs = 2000): Promise<void> {
    this.cursor = await lastEventId(this.database.db);
    this.unlisten = await this.database.listen(OUTBOX_CHANNEL, () => this.wake());
    this.timer = setInterval(() => this.wake(), pollMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.unlisten?.().catch(() => undefined);
    this.unlisten = null;
    await this.running;
  }

  wake(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.read()
      .catch((e: unknown) => this.logger.warn({ err: e }, "outbox tail read failed; retrying on the next wake-up"))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  private async read(): Promise<void> {
    for (;;) {
      const rows = await this.database.db
        .select({ id: outbox.id, type: outbox.type, modelId: outbox.modelId, payload: outbox.payload, writer: outbox.writer })
        .from(outbox)
        .where(gt(outbox.id, this.cursor))
        .orderBy(asc(outbox.id))
        .limit(500);
      for (const r of rows) {
        this.cursor = r.id;
        if (r.writer !== this.writer) this.bus.publish({ ...rowEvent(r), foreign: true });
      }
      if (rows.length < 500) return;
    }
  }
}
