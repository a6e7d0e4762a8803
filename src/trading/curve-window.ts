import type { Db } from "../db/client.js";
import type { EquityPoint } from "../core/metrics.js";
import { exactEquityCurves, type ExactEquityPoint } from "./equity.js";

/** A model's held curve: the stored decimals, and the same points as numbers for the ratios (kept side by side, so a read converts only the new rows). */
export interface HeldCurve {
  readonly exact: readonly ExactEquityPoint[];
  readonly numeric: readonly EquityPoint[];
}

interface Curve {
  exact: ExactEquityPoint[];
  numeric: EquityPoint[];
}

/**
 * Every model's equity curve over the last `windowMs`, kept in memory and brought up to date from
 * the table at each read instead of being read whole: a week of minute and hourly snapshots is
 * about 1,600 rows a model, 160,000 for a hundred models, which took most of a second to read on
 * PGlite for every scheduler cycle and every leaderboard refresh. A read now fetches only the rows
 * written since the previous one (by the `ts` index) and drops the points that left the window,
 * so what it returns is exactly what reading the window whole would return:
 *
 * - The latest minute seen is read again each time: a second snapshot round in the same minute
 *   overwrites its rows.
 * - A round written out of order (rounds held and written later) is announced by `noteSnapshot`
 *   with its minute, and read from there.
 * - The hourly roll-up rewrites rows older than a day; `rolledUp` says up to where, and that part
 *   of the window is read again at the next read (about a tenth of it).
 * - A read for an earlier window than the one held (a clock that went back) reads it all again.
 *
 * Written for the one process that writes the snapshots (the server); a roll-up done by another
 * process is seen only after `reload`. A read that fails leaves the next one to read everything.
 */
export class CurveWindow {
  private readonly byModel = new Map<string, Curve>();
  /** The window start of the held points (epoch ms); null before the first read. */
  private heldSince: number | null = null;
  /** Rows at or after this are read again by the next read: the latest minute seen, or an earlier round noted since. */
  private readFrom = Number.POSITIVE_INFINITY;
  /** Rows before this were rewritten by a roll-up. */
  private staleBefore: number | null = null;
  private revisionNo = 0;
  private running: Promise<void> | null = null;
  private queued: Promise<void> | null = null;

  constructor(
    private readonly db: Db,
    /** The span held; null: everything from the epoch on. */
    readonly windowMs: number | null,
    /** How rows are read (the table's curves; a test may wrap it). */
    private readonly readRows: typeof exactEquityCurves = exactEquityCurves,
  ) {}

  /** Changes whenever a read changed the held curves: figures derived from them can be kept until then. */
  get revision(): number {
    return this.revisionNo;
  }

  /** A snapshot round stamped `ts` (epoch ms) was written: the next read reads from there. */
  noteSnapshot(ts: number): void {
    if (ts < this.readFrom) this.readFrom = ts;
  }

  /** The roll-up rewrote the rows before `before`: the next read reads that part again. */
  rolledUp(before: Date): void {
    const t = before.getTime();
    if (this.staleBefore === null || t > this.staleBefore) this.staleBefore = t;
  }

  /** Everything is read again at the next read. */
  reload(): void {
    this.heldSince = null;
  }

  /**
   * Every model's curve from `now - windowMs` on, oldest point first, as of this call (a model
   * without a point in the window is absent). The map and its arrays are the held ones, changed
   * by the next read: use them before awaiting anything else.
   */
  async curves(now: number): Promise<ReadonlyMap<string, HeldCurve>> {
    await this.update(this.windowMs === null ? 0 : now - this.windowMs);
    return this.byModel;
  }

  /**
   * One read at a time; a caller arriving while one runs waits for the next, which starts after it,
   * so every caller sees what was committed before it called.
   */
  private update(since: number): Promise<void> {
    if (!this.running) {
      this.running = this.read(since).finally(() => (this.running = null));
      return this.running;
    }
    this.queued ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = null;
        return this.update(since);
      });
    return this.queued;
  }

  private async read(since: number): Promise<void> {
    try {
      await this.readSince(since);
    } catch (error) {
      // What the failed read was to re-read is unknown now: the next read reads everything.
      this.heldSince = null;
      throw error;
    }
  }

  private async readSince(since: number): Promise<void> {
    // What a roll-up or a round notes while the query runs is kept for the next read.
    if (this.heldSince === null || since < this.heldSince) {
      this.staleBefore = null;
      this.readFrom = Number.POSITIVE_INFINITY;
      const all = await this.readRows(this.db, new Date(since));
      this.byModel.clear();
      for (const [id, points] of all) this.byModel.set(id, { exact: points, numeric: points.map(toNumber) });
      this.heldSince = since;
      this.readFrom = Math.min(this.readFrom, latest(all) ?? since);
      this.revisionNo++;
      return;
    }
    let changed = false;
    const stale = this.staleBefore;
    this.staleBefore = null;
    if (stale !== null && stale > since) changed = this.replace(since, stale, await this.readRows(this.db, new Date(since), { before: new Date(stale) }));
    const from = Math.max(this.readFrom, since);
    this.readFrom = Number.POSITIVE_INFINITY;
    const fresh = await this.readRows(this.db, new Date(from));
    changed = this.replace(from, Number.POSITIVE_INFINITY, fresh) || changed;
    this.readFrom = Math.min(this.readFrom, latest(fresh) ?? from);
    changed = this.dropBefore(since) || changed;
    this.heldSince = since;
    if (changed) this.revisionNo++;
  }

  /** Puts `rows` in place of every held point in [from, to). Whether anything was there or came. */
  private replace(from: number, to: number, rows: Map<string, ExactEquityPoint[]>): boolean {
    let changed = false;
    for (const [id, curve] of this.byModel) {
      const points = curve.exact;
      const lo = firstAtOrAfter(points, from);
      const hi = to === Number.POSITIVE_INFINITY ? points.length : firstAtOrAfter(points, to);
      const incoming = rows.get(id) ?? [];
      // The latest minute is read again every time: usually it comes back as it was.
      if (sameRun(points, lo, hi, incoming)) continue;
      changed = true;
      points.splice(lo, hi - lo, ...incoming);
      curve.numeric.splice(lo, hi - lo, ...incoming.map(toNumber));
      if (points.length === 0) this.byModel.delete(id);
    }
    for (const [id, incoming] of rows) {
      if (this.byModel.has(id) || incoming.length === 0) continue;
      this.byModel.set(id, { exact: [...incoming], numeric: incoming.map(toNumber) });
      changed = true;
    }
    return changed;
  }

  private dropBefore(since: number): boolean {
    let changed = false;
    for (const [id, curve] of this.byModel) {
      const n = firstAtOrAfter(curve.exact, since);
      if (n === 0) continue;
      curve.exact.splice(0, n);
      curve.numeric.splice(0, n);
      changed = true;
      if (curve.exact.length === 0) this.byModel.delete(id);
    }
    return changed;
  }
}

/** The ratios read equity as a number: exactly `Number` of the stored text. */
function toNumber(p: ExactEquityPoint): EquityPoint {
  return { ts: p.ts, equity: Number(p.equity) };
}

function sameRun(points: readonly ExactEquityPoint[], lo: number, hi: number, incoming: readonly ExactEquityPoint[]): boolean {
  if (hi - lo !== incoming.length) return false;
  for (let i = 0; i < incoming.length; i++) {
    const a = points[lo + i]!;
    const b = incoming[i]!;
    if (a.ts !== b.ts || a.equity !== b.equity) return false;
  }
  return true;
}

/** Index of the first point at or after `ts` (points oldest first). */
function firstAtOrAfter(points: readonly ExactEquityPoint[], ts: number): number {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid]!.ts < ts) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function latest(curves: ReadonlyMap<string, readonly ExactEquityPoint[]>): number | undefined {
  let out: number | undefined;
  for (const points of curves.values()) {
    const last = points[points.length - 1];
    if (last && (out === undefined || last.ts > out)) out = last.ts;
  }
  return out;
}
