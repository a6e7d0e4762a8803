import { ClobClient, type ApiKeyCreds } from "@polymarket/clob-client-v2";
import { createWalletClient, http, type WalletClient } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { polygon } from "viem/chains";
import type { FakeClob } from "./server.js";

/** A throwaway trader for tests: a fresh key, its API credentials on the fake, an L2 SDK client. */
export interface Trader {
  address: string;
  wallet: WalletClient;
  creds: ApiKeyCreds;
  client: ClobClient;
}

export function walletFor(privateKey = generatePrivateKey()): WalletClient {
  // Signing with a local account never touches the transport; the URL only satisfies viem.
  return createWalletClient({ account: privateKeyToAccount(privateKey), chain: polygon, transport: http("http://127.0.0.1:9") });
}

export async function newTrader(fake: FakeClob, usdc = "1000"): Promise<Trader> {
  const wallet = walletFor();
  const address = wallet.account!.address;
  const l1 = new ClobClient({ host: fake.url, chain: fake.chainId, signer: wallet });
  const creds = await l1.createOrDeriveApiKey();
  if (usdc !== "0") fake.fund(address, usdc);
  return { address, wallet, creds, client: new ClobClient({ host: fake.url, chain: fake.chainId, signer: wallet, creds }) };
}
