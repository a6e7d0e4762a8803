import { copyRateText, reasonText, type SignalCounts } from "../lib/follow.ts";

/** Copied / skipped / pending with the copy rate (and how many came late), then the skips by reason as a stacked bar and a table. */
export function FollowBreakdown({ counts }: { counts: SignalCounts }) {
  if (counts.total === 0) {
    return <div className="muted small">No signals yet: nothing its wallets traded since it was created has been read.</div>;
  }
  return (
    <div className="ft-breakdown" data-testid="ft-breakdown">
      <div className="ft-counts">
        <span data-count="copied">
          <strong className="gain">{counts.copied}</strong> copied
        </span>
        <span data-count="skipped">
          <strong className="warn">{counts.skipped}</strong> skipped
        </span>
        <span data-count="pending">
          <strong>{counts.pending}</strong> pending
        </span>
        <span data-count="rate" title="Copied out of the signals decided (copied + skipped)">
          copy rate <strong>{copyRateText(counts.copyRate)}</strong>
        </span>
        {counts.late !== undefined && counts.late > 0 && (
          <span data-count="late" title="Indexed by the Data API after later trades">
            <strong>{counts.late}</strong> late
          </span>
        )}
      </div>
      {counts.byReason.length > 0 && (
        <>
          <div className="ft-bar" role="img" aria-label={`Skips by reason: ${counts.byReason.map((r) => `${r.reason} ${r.count}`).join(", ")}`}>
            {counts.byReason.map((r, i) => (
              <span key={r.reason} className={`ft-bar-part ft-c${i % 6}`} style={{ flexGrow: r.count }} title={`${r.reason}: ${r.count}`} />
            ))}
          </div>
          <table className="ft-reasons">
            <caption className="sr-only">Skipped signals by reason</caption>
            <tbody>
              {counts.byReason.map((r, i) => (
                <tr key={r.reason} data-reason={r.reason}>
                  <td>
                    <span className={`ft-swatch ft-c${i % 6}`} aria-hidden="true" />
                    <code>{r.reason}</code>
                    <div className="muted small">{reasonText(r.reason)}</div>
                  </td>
                  <td className="num" data-field="count">
                    {r.count}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}
