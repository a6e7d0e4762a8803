/**
 * pUSD collateral and outcome-token balances per funder address, as two views:
 *   - `chain`: what the wallet holds on Polygon (credits land here when a trade settles);
 *   - `seen`: what the CLOB believes, refreshed from the chain only by
 *     GET /balance-allowance/update. Spends debit both at once.
 * This is the settlement lag behind "not enough balance / allowance" on a sell right after a buy
 * (py-clob-client#287/#290, clob-client#310): the shares exist only once the trade is mined
 * AND the client has asked the CLOB to refresh.
 */

export const COLLATERAL = "COLLATERAL";
/** 2^256 − 1, what the real endpoint shows for an unlimited approval. */
export const MAX_ALLOWANCE = (1n << 256n) - 1n;

interface Holding {
  chain: bigint;
  seen: bigint;
}

interface Wallet {
  readonly address: string;
  /** Market makers and the outside trader: never short of anything. */
  unlimited: boolean;
  allowance: bigint;
  readonly holdings: Map<string, Holding>;
}

export class Accounts {
  private readonly wallets = new Map<string, Wallet>();

  private wallet(address: string): Wallet {
    const key = address.toLowerCase();
    let w = this.wallets.get(key);
    if (!w) {
      w = { address: key, unlimited: false, allowance: MAX_ALLOWANCE, holdings: new Map() };
      this.wallets.set(key, w);
    }
    return w;
  }

  private holding(address: string, asset: string): Holding {
    const w = this.wallet(address);
    let h = w.holdings.get(asset);
    if (!h) {
      h = { chain: 0n, seen: 0n };
      w.holdings.set(asset, h);
    }
    return h;
  }

  setUnlimited(address: string): void {
    this.wallet(address).unlimited = true;
  }

  isUnlimited(address: string): boolean {
    return this.wallet(address).unlimited;
  }

  setAllowance(address: string, allowance: bigint): void {
    this.wallet(address).allowance = allowance;
  }

  allowance(address: string): bigint {
    return this.wallet(address).allowance;
  }

  /** Admin deposit: lands on chain and is seen at once (as if the user had refreshed). */
  deposit(address: string, asset: string, micro: bigint): void {
    if (this.wallet(address).unlimited) return;
    const h = this.holding(address, asset);
    h.chain += micro;
    h.seen += micro;
  }

  /** What the CLOB would let the address spend, before open orders' reservations. */
  spendable(address: string, asset: string): bigint {
    const w = this.wallet(address);
    if (w.unlimited) return MAX_ALLOWANCE;
    const seen = this.holding(address, asset).seen;
    return seen < w.allowance ? seen : w.allowance;
  }

  seen(address: string, asset: string): bigint {
    return this.holding(address, asset).seen;
  }

  chain(address: string, asset: string): bigint {
    return this.holding(address, asset).chain;
  }

  /** A match spends: both views drop now. */
  debit(address: string, asset: string, micro: bigint): void {
    if (this.wallet(address).unlimited) return;
    const h = this.holding(address, asset);
    h.chain -= micro;
    h.seen -= micro;
  }

  /** A settled trade pays out: on chain only, until the next refresh. */
  creditOnChain(address: string, asset: string, micro: bigint): void {
    if (this.wallet(address).unlimited) return;
    this.holding(address, asset).chain += micro;
  }

  /** A FAILED trade gives the spend back, in both views. */
  refund(address: string, asset: string, micro: bigint): void {
    this.deposit(address, asset, micro);
  }

  /** GET /balance-allowance/update: the CLOB re-reads the chain for that asset. */
  refresh(address: string, asset: string): void {
    const h = this.holding(address, asset);
    h.seen = h.chain;
  }
}
