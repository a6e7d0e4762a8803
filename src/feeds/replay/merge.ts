import type { ReplayItem, ReplaySource } from "./types.js";

/**
 * The items of several replay sources as one stream in time order (file order breaks ties): a
 * live replay and a backtest read recorded files through this one merge. Each call starts every
 * source from its top; leaving the loop early closes them all.
 */
export async function* mergeReplay(sources: readonly ReplaySource[]): AsyncGenerator<ReplayItem, void, undefined> {
  const iterators = sources.map((s) => s.open());
  try {
    const heads: Array<IteratorResult<ReplayItem, void>> = await Promise.all(iterators.map((it) => it.next()));
    for (;;) {
      const i = earliest(heads);
      if (i < 0) return;
      yield (heads[i] as IteratorYieldResult<ReplayItem>).value;
      heads[i] = await iterators[i]!.next();
    }
  } finally {
    await Promise.all(iterators.map((it) => it.return(undefined)));
  }
}

/** Index of the head with the earliest update (file order breaks ties), or -1 when all are done. */
function earliest(heads: ReadonlyArray<IteratorResult<ReplayItem, void>>): number {
  let best = -1;
  let bestTs = Infinity;
  for (let i = 0; i < heads.length; i++) {
    const head = heads[i]!;
    if (!head.done && head.value.update.ts < bestTs) {
      best = i;
      bestTs = head.value.update.ts;
    }
  }
  return best;
}
