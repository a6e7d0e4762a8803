import { CONTROL_HELP } from "./control.js";
import { startFakeLighter } from "./server.js";

/** `npm run fake:lighter`: the fake Lighter on FAKE_LIGHTER_PORT (default 8799) until SIGINT/SIGTERM. */

const port = Number(process.env.FAKE_LIGHTER_PORT ?? 8799);
const fake = await startFakeLighter({ port });

console.log(`fake Lighter listening
  REST      ${fake.baseUrl}/api/v1/…   (e.g. ${fake.baseUrl}/api/v1/orderBookDetails)
  WebSocket ${fake.wsUrl}
  markets   0 ETH, 1 BTC, 2 SOL (prices in ticks: ETH 2 decimals, BTC 1, SOL 3)

drive it with JSON under /_fake/:
  ${CONTROL_HELP.join("\n  ")}

e.g.
  curl -s ${fake.baseUrl}/_fake/fund -d '{"account":7,"usdc":"10000"}'
  curl -s ${fake.baseUrl}/_fake/apikey -d '{"account":7,"api_key_index":3,"public_key":"<80 hex>"}'
  curl -s ${fake.baseUrl}/_fake/book -d '{"market":0,"bids":[[300000,10000]],"asks":[[300100,10000]]}'
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
