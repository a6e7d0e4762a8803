export type { CandleBookOptions, CandleFilter } from "./candle-source.js";
export { type CsvLayout, detectLayout, LAYOUT_HEADERS } from "./csv.js";
export { ourSymbol, RECORDED_SYMBOLS, REPLAY_MARKETS, replayMarket, XRP_MARKET } from "./markets.js";
export { mergeReplay } from "./merge.js";
export { createReplayFeed, openReplaySource, type ReplayClock, type ReplayFeed, type ReplayFeedOptions, type ReplayFileConfig } from "./replay-feed.js";
export type { ReplayFileStats, ReplayItem, ReplaySource } from "./types.js";
