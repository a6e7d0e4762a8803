export { backfillCandles, type BackfillOptions } from "./backfill.js";
export { createSyntheticFunding, DEFAULT_FUNDING_PROFILE, type FundingProfile, type FundingState, type SyntheticFunding } from "./funding.js";
export { createSyntheticMarket, parseSyntheticState, type SyntheticMarket, type SyntheticMarketOptions, type SyntheticState, type SyntheticStep } from "./process.js";
export { DEFAULT_PROFILE, DEFAULT_START_PRICES, REGIMES, defaultStartMid, type RegimeName, type SyntheticProfile } from "./profile.js";
export { createSyntheticFeed, type IntervalTimers, type SyntheticFeed, type SyntheticFeedOptions, type SyntheticFeedState } from "./synthetic-feed.js";
