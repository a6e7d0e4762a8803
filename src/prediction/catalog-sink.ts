import type { Logger } from "../core/logger.js";
import type { PredictionSink } from "../feeds/prediction/prediction-feed.js";
import type { PredictionCatalog } from "./prediction-catalog.js";

/**
 * A prediction feed's deliveries into the catalog, one after another in the order the feed sent
 * them (a market is stored before its tokens' books apply, a resolution after its last book).
 * A delivery that fails is logged and the next goes on: one bad market never stops the feed.
 */
export function catalogSink(catalog: PredictionCatalog, logger: Logger): PredictionSink & { idle(): Promise<void> } {
  let chain: Promise<void> = Promise.resolve();
  let pending = 0;
  const then = (what: string, work: () => unknown) => {
    pending++;
    chain = chain
      .then(async () => {
        await work();
      })
      .catch((error: unknown) => logger.error({ err: error }, `prediction feed: ${what} failed`))
      .finally(() => pending--);
  };
  return {
    market: (m) => then(`market ${m.conditionId}`, () => catalog.upsert(m)),
    book: (tokenId, update) => {
      // Nothing queued: apply now, in the feed's own call (the common case, no promise per book).
      if (pending === 0) {
        try {
          catalog.applyBook(tokenId, update);
        } catch (error) {
          logger.error({ err: error, tokenId }, "prediction feed: a book failed to apply");
        }
        return;
      }
      then(`book of ${tokenId}`, () => catalog.applyBook(tokenId, update));
    },
    tickSize: (conditionId, tickSize) => then(`tick size of ${conditionId}`, () => catalog.setTickSize(conditionId, tickSize)),
    closed: (conditionId) => then(`closing ${conditionId}`, () => catalog.close(conditionId)),
    resolved: (conditionId, winner) => then(`resolving ${conditionId}`, () => catalog.resolve(conditionId, winner)),
    idle: async () => {
      while (pending > 0) await chain;
    },
  };
}
