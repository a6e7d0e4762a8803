import type { Clock } from "../../core/clock.js";
import type { Logger } from "../../core/logger.js";
import { ConfigError, type Config } from "../../app/config.js";
import type { PredictionCatalog } from "../../prediction/prediction-catalog.js";
import { PolymarketGamma } from "../../venues/polymarket/gamma.js";
import { createPolymarketPredictionFeed } from "./polymarket-prediction-feed.js";
import type { PredictionFeed } from "./prediction-feed.js";
import { createReplayPredictionFeed, loadPolymarketRecording } from "./replay-prediction-feed.js";
import { createSyntheticPredictionFeed } from "./synthetic-prediction-feed.js";

/** The prediction-market feed AUTONOME_PM_FEED names (null for `off`). */
export function createPredictionFeed(config: Config, catalog: PredictionCatalog, clock: Clock, logger: Logger): PredictionFeed | null {
  switch (config.polymarket.feed) {
    case "off":
      return null;
    case "synthetic":
      // The synthetic markets a previous run left open go on where they were.
      return createSyntheticPredictionFeed({ seed: config.seed, clock, adopt: catalog.list(), resolvedElsewhere: (id) => catalog.get(id)?.status === "resolved", logger });
    case "replay": {
      let recording;
      try {
        recording = loadPolymarketRecording(config.polymarket.replayDir);
      } catch (error) {
        throw new ConfigError(`AUTONOME_PM_REPLAY_DIR: ${error instanceof Error ? error.message : String(error)}`);
      }
      // Loops for a demo server; each play has its own condition ids, past any the catalog already holds.
      return createReplayPredictionFeed({
        recording,
        clock,
        speed: config.polymarket.replaySpeed,
        loop: true,
        known: (id) => catalog.get(id) !== undefined,
        leftovers: catalog.list(),
        dir: config.polymarket.replayDir,
        logger,
      });
    }
    case "polymarket":
      // Markets a previous run followed and that have not resolved are followed again (a position may be held in them).
      return createPolymarketPredictionFeed({
        gamma: new PolymarketGamma({ baseUrl: config.polymarket.gammaUrl }),
        wsUrl: `${config.polymarket.clobWsUrl}/market`,
        markets: config.polymarket.markets,
        marketLimit: config.polymarket.marketLimit,
        adopt: catalog
          .list()
          .filter((m) => m.source === "polymarket" && m.status !== "resolved")
          .map((m) => m.conditionId),
        clock,
        logger,
      });
  }
}
