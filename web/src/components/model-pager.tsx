/** Previous/next through a newest-first list fetched `pageSize` at a time. */
export function ModelPager({
  offset,
  pageSize,
  shown,
  onOffset,
  what,
}: {
  offset: number;
  pageSize: number;
  /** Rows on the current page: fewer than a page means there is nothing older. */
  shown: number;
  onOffset: (offset: number) => void;
  what: string;
}) {
  if (offset === 0 && shown < pageSize) return null;
  return (
    <div className="row model-pager" role="navigation" aria-label={`${what} pages`}>
      <button type="button" disabled={offset === 0} onClick={() => onOffset(Math.max(0, offset - pageSize))}>
        ← Newer
      </button>
      <span className="muted small">{shown > 0 ? `${offset + 1}–${offset + shown}` : `none after ${offset}`}</span>
      <button type="button" disabled={shown < pageSize} onClick={() => onOffset(offset + pageSize)}>
        Older →
      </button>
    </div>
  );
}
