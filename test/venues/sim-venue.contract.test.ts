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

// The same suite against the Lighter adapter over the local fake Lighter: test/venues/lighter/lighter-venue.contract.test.ts.
