import { parseMicro, parsePrice4 } from "./decimal.js";

/**
 * The markets the fake CLOB lists. A market is a condition with two or more outcome tokens; each
 * token has its own book. Tick sizes are V2's set (clob-client-v2 types/clob.ts `TickSize`).
 */

export const TICK_SIZES = ["0.1", "0.01", "0.005", "0.0025", "0.001", "0.0001"] as const;
export type TickSize = (typeof TICK_SIZES)[number];

export const isTickSize = (value: string): value is TickSize => (TICK_SIZES as readonly string[]).includes(value);

/** Decimals of an amount per tick (clob-client-v2 order-builder/helpers/roundingConfig.ts `amount`). */
export const AMOUNT_DECIMALS: Record<TickSize, number> = { "0.1": 3, "0.01": 4, "0.005": 5, "0.0025": 6, "0.001": 5, "0.0001": 6 };

export interface OutcomeToken {
  tokenId: string;
  outcome: string;
}

export interface MarketConfig {
  conditionId: string;
  question: string;
  tokens: OutcomeToken[];
  tickSize: TickSize;
  /** Minimum order size in shares, as /book's min_order_size ("5"). */
  minOrderSize: string;
  negRisk: boolean;
  acceptingOrders?: boolean;
  /** ISO date; informational. */
  endDate?: string;
}

export interface Market {
  readonly conditionId: string;
  readonly question: string;
  readonly tokens: OutcomeToken[];
  tickSize: TickSize;
  /** price4 units of one tick. */
  tick4: bigint;
  minOrderSize: string;
  minOrderSizeMicro: bigint;
  readonly negRisk: boolean;
  acceptingOrders: boolean;
  closed: boolean;
  /** Token id of the winning outcome once resolved. */
  winnerTokenId?: string;
  readonly endDate: string;
}

export function buildMarket(config: MarketConfig): Market {
  if (!isTickSize(config.tickSize)) throw new Error(`tick size ${config.tickSize} is not one of ${TICK_SIZES.join(", ")}`);
  if (config.tokens.length < 2) throw new Error(`market ${config.conditionId} needs two or more tokens`);
  return {
    conditionId: config.conditionId,
    question: config.question,
    tokens: config.tokens.map((t) => ({ ...t })),
    tickSize: config.tickSize,
    tick4: parsePrice4(config.tickSize),
    minOrderSize: config.minOrderSize,
    minOrderSizeMicro: parseMicro(config.minOrderSize),
    negRisk: config.negRisk,
    acceptingOrders: config.acceptingOrders ?? true,
    closed: false,
    endDate: config.endDate ?? "2030-12-31T00:00:00Z",
  };
}

export function setTick(market: Market, tickSize: TickSize): void {
  market.tickSize = tickSize;
  market.tick4 = parsePrice4(tickSize);
}

/** Two fixture markets: a plain binary one on 0.01 ticks and a neg-risk one on 0.001 ticks. */
export const DEFAULT_MARKETS: MarketConfig[] = [
  {
    conditionId: "0x5eed000000000000000000000000000000000000000000000000000000000001",
    question: "Will the fake CLOB answer like the real one?",
    tokens: [
      { tokenId: "71321045679252212594626385532706912750332728571942532289631379312455583992563", outcome: "Yes" },
      { tokenId: "52114319501245915516055106046884209969926127482827954674443846427813813222426", outcome: "No" },
    ],
    tickSize: "0.01",
    minOrderSize: "5",
    negRisk: false,
  },
  {
    conditionId: "0x5eed000000000000000000000000000000000000000000000000000000000002",
    question: "Which candidate wins the fake election? (Alice)",
    tokens: [
      { tokenId: "107505882767731489358349912513945399560393482969656700824895970500493757150417", outcome: "Yes" },
      { tokenId: "7305630249804085635496399869905769372294302716159034447326228509068694952392", outcome: "No" },
    ],
    tickSize: "0.001",
    minOrderSize: "5",
    negRisk: true,
  },
];
