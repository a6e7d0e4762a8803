import { lighterHarness } from "../../support/lighter-harness.js";
import { venueContract } from "../venue-contract.js";

// The behaviour the simulator owes the trading service, owed by the Lighter adapter too: over a
// local fake Lighter that speaks the real protocol (form-encoded signed txs, account channels).
venueContract("LighterVenue (fake Lighter)", async () => {
  const h = await lighterHarness();
  return {
    venue: h.venue,
    symbol: "BTC",
    setBook: (symbol, bids, asks) => h.setBook(symbol, bids, asks),
    fund: (accountId, usd) => h.fund(accountId, usd),
    now: () => h.clock.now(),
    advance: (ms) => h.advance(ms),
    close: () => h.close(),
  };
});
