/**
 * The API's wire shapes, shared with the server rather than written twice: these are the very
 * interfaces the server's services implement (type-only imports, erased from the bundle).
 */
export type * from "../../../src/app/services.ts";
export type { OrderSnapshot, PositionSnapshot } from "../../../src/events/events.ts";
export type { MarketTick } from "../../../src/market/market-ticks.ts";
export type { AuditWindow, ExecutionAudit, MirrorDetail, MirrorMetrics, Percentiles } from "../../../src/copy/mirror-service.ts";
export type { ExecutionView, MirrorView } from "../../../src/copy/mirror-store.ts";
export type { OutcomeCounts } from "../../../src/copy/mirror-report.ts";
export type { Outcome, Reason, Sizing } from "../../../src/copy/mirror-settings.ts";
