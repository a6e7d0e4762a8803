/** The fake Polymarket read APIs: Data API (v1 and v2), Gamma, and the geoblock check. */
export { startFakeDataApi, type FakeDataApi, type FakeDataApiOptions, type FaultSpec, type TransactionInput } from "./server.js";
export { startFakeGamma, type FakeGamma, type FakeMarketInput, type FakeEventInput } from "./gamma.js";
export { startFakeGeoblock, geoblockRoute, GEOBLOCK_PATH, type FakeGeoblock, type GeoblockAnswer } from "./geoblock.js";
export type { FillInput, StoredFill, PositionInput, OtherActivityInput } from "./store.js";
