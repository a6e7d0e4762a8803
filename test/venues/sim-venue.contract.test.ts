import { ManualClock } from "../../src/core/clock.js";
import { usd } from "../../src/core/money.js";
import { SimVenue } from "../../src/venues/sim/sim-venue.js";
import { venueContract } from "./venue-contract.js";

const T0 = Date.parse("2026-01-01T00:00:00Z");

venueContract("SimVenue", () => {
  const clock = new ManualClock(T0);
  const venue = new SimVenue({ clock });
  return {
    venue,
    symbol: "BTC",
    setBook: (symbol, bids, asks) => venue.applyBookUpdate({ symbol, ts: clock.now(), kind: "snapshot", bids, asks }),
    fund: (accountId, amount) => venue.restoreAccount(accountId, usd(amount)),
    now: () => clock.now(),
    advance: (ms) => void clock.advance(ms),
  };
});

// The fake Lighter venue joins here once it exists: a factory that starts the local fake server
// speaking Lighter's wire protocol, returns its LighterVenue with setBook/fund driving the fake,
// and close() stopping it; or a skip reason string when the fake cannot start.
// venueContract("LighterVenue (fake server)", async () => { ... });
