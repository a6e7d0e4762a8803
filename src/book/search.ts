/**
 * Binary search over levels sorted by ascending `key`: the index of the level with exactly this
 * key, or -(insertion point) - 1 when absent (Java's convention, so both answers fit one number).
 */
export function searchKey(levels: ReadonlyArray<{ readonly key: number }>, key: number): number {
  let lo = 0;
  let hi = levels.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const k = levels[mid]!.key;
    if (k < key) lo = mid + 1;
    else if (k > key) hi = mid - 1;
    else return mid;
  }
  return -lo - 1;
}
