export function MarketsPage({ symbol }: { symbol?: string }) {
  return <h1>Markets {symbol}</h1>;
}
