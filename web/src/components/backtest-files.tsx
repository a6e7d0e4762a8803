import type { BacktestForm } from "../lib/backtests.ts";

type Files = BacktestForm["files"];

/** Recorded files to replay, one per symbol: paths on the server (L2 or candle CSV files, see the replay README). */
export function BacktestFiles({ files, error, onChange }: { files: Files; error: string | undefined; onChange: (files: Files) => void }) {
  const edit = (i: number, patch: Partial<Files[number]>) => onChange(files.map((f, j) => (j === i ? { ...f, ...patch } : f)));
  return (
    <fieldset className="llm-fields bt-files" data-testid="backtest-files">
      <legend>Recorded files (paths on the server)</legend>
      {files.map((f, i) => (
        <div key={i} className="bt-file-row">
          <input aria-label={`Symbol of file ${i + 1}`} value={f.symbol} onChange={(e) => edit(i, { symbol: e.target.value })} placeholder="BTC" className="bt-file-symbol" autoComplete="off" />
          <input
            aria-label={`Path of file ${i + 1}`}
            value={f.path}
            onChange={(e) => edit(i, { path: e.target.value })}
            placeholder="/data/l2_binance_spot_btcusdt_20240808.csv"
            className="bt-file-path"
            autoComplete="off"
            spellCheck={false}
          />
          <button type="button" className="small" onClick={() => onChange(files.filter((_, j) => j !== i))} disabled={files.length === 1} aria-label={`Remove file ${i + 1}`}>
            Remove
          </button>
        </div>
      ))}
      <div className="row">
        <button type="button" className="small" onClick={() => onChange([...files, { symbol: "", path: "" }])}>
          Add a file
        </button>
        <span className="muted small">Binance or Bybit L2, or 1-minute candles; relative paths start at the server&apos;s folder.</span>
      </div>
      {error && (
        <div className="field-error" role="alert">
          {error}
        </div>
      )}
    </fieldset>
  );
}
