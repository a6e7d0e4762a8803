export { backfillCandles, type BackfillOptions } from "./backfill.js";
export { createSyntheticMarket, parseSyntheticState, type SyntheticMarket, type SyntheticMarketOptions, type SyntheticState, type SyntheticStep } from "./process.js";
export { DEFAULT_PROFILE, DEFAULT_START_PRICES, REGIMES, defaultStartMid, type RegimeName, type SyntheticProfile } from "./profile.js";
export { createSyntheticFeed, type IntervalTimers, type SyntheticFeed, type SyntheticFeedOptions } from "./synthetic-feed.js";
