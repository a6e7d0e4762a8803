import { CONTROL_HELP } from "./clob/control.js";
import { DEFAULT_MARKETS } from "./clob/markets.js";
import { startFakeClob } from "./clob/server.js";
import { startFakeDataApi, startFakeGamma, startFakeGeoblock } from "./data-api/index.js";

/**
 * `npm run fake:polymarket`: the fake Polymarket on consecutive ports from FAKE_POLYMARKET_PORT
 * (default 8798): the CLOB V2 (REST + WebSockets), the Data API, Gamma (listing the CLOB's
 * markets) and the geoblock check, until SIGINT/SIGTERM. Prints the environment that points
 * autonome at them.
 */

const base = Number(process.env.FAKE_POLYMARKET_PORT ?? 8798);
const clob = await startFakeClob({ port: base });
const dataApi = await startFakeDataApi({ port: base + 1 });
const gamma = await startFakeGamma({
  port: base + 2,
  markets: DEFAULT_MARKETS.map((m) => ({
    conditionId: m.conditionId,
    question: m.question,
    outcomes: m.tokens.map((t) => t.outcome),
    clobTokenIds: m.tokens.map((t) => t.tokenId),
    outcomePrices: m.tokens.map(() => "0.5"),
    endDate: m.endDate ?? "2030-12-31T00:00:00Z",
    negRisk: m.negRisk,
    orderPriceMinTickSize: Number(m.tickSize),
    orderMinSize: Number(m.minOrderSize),
  })),
});
const geoblock = await startFakeGeoblock({ port: base + 3 });
for (const m of DEFAULT_MARKETS) for (const t of m.tokens) clob.seedBook(t.tokenId, [["0.48", "500"]], [["0.52", "500"]]);

console.log(`fake Polymarket listening (chain ${clob.chainId})
  POLYMARKET_CLOB_URL=${clob.url}
  POLYMARKET_CLOB_WS_URL=${clob.wsUrl}          (${clob.wsUrl}/market, ${clob.wsUrl}/user)
  POLYMARKET_DATA_API_URL=${dataApi.url}
  POLYMARKET_GAMMA_URL=${gamma.url}
  POLYMARKET_GEOBLOCK_URL=${geoblock.checkUrl}

CLOB markets (books seeded 0.48 / 0.52 × 500 on every token):
${DEFAULT_MARKETS.map((m) => `  ${m.conditionId}  tick ${m.tickSize}${m.negRisk ? "  neg-risk" : ""}  ${m.question}\n${m.tokens.map((t) => `    ${t.outcome.padEnd(4)} ${t.tokenId}`).join("\n")}`).join("\n")}

drive the CLOB with JSON under ${clob.url}/_fake/:
  ${CONTROL_HELP.join("\n  ")}
(the Data API's own /_fake/ calls are in test/fake-polymarket/data-api/README.md)

e.g.
  curl -s ${clob.url}/_fake/fund -d '{"address":"0xYourEOA","usdc":"1000"}'
  curl -s '${clob.url}/book?token_id=${DEFAULT_MARKETS[0]!.tokens[0]!.tokenId}'
`);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: stopping`);
  Promise.all([clob.close(), dataApi.close(), gamma.close(), geoblock.close()]).then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));
