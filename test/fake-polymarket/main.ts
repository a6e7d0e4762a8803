import { CONTROL_HELP } from "./clob/control.js";
import { DEFAULT_MARKETS } from "./clob/markets.js";
import { startFakeClob } from "./clob/server.js";

/** `npm run fake:polymarket`: the fake Polymarket CLOB on FAKE_POLYMARKET_PORT (default 8798) until SIGINT/SIGTERM. */

const port = Number(process.env.FAKE_POLYMARKET_PORT ?? 8798);
const fake = await startFakeClob({ port });
for (const m of DEFAULT_MARKETS) {
  for (const t of m.tokens) fake.seedBook(t.tokenId, [["0.48", "500"]], [["0.52", "500"]]);
}

console.log(`fake Polymarket CLOB V2 listening (chain ${fake.chainId})
  REST       ${fake.url}            POLYMARKET_CLOB_URL
  WebSocket  ${fake.wsUrl}/market   ${fake.wsUrl}/user   POLYMARKET_CLOB_WS_URL=${fake.wsUrl}
  markets
${DEFAULT_MARKETS.map((m) => `    ${m.conditionId}  tick ${m.tickSize}${m.negRisk ? "  neg-risk" : ""}  ${m.question}\n${m.tokens.map((t) => `      ${t.outcome.padEnd(4)} ${t.tokenId}`).join("\n")}`).join("\n")}
  books seeded 0.48 / 0.52 × 500 on every token

drive it with JSON under /_fake/:
  ${CONTROL_HELP.join("\n  ")}

e.g.
  curl -s ${fake.url}/_fake/fund -d '{"address":"0xYourEOA","usdc":"1000"}'
  curl -s '${fake.url}/book?token_id=${DEFAULT_MARKETS[0]!.tokens[0]!.tokenId}'
`);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: stopping`);
  fake.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));
