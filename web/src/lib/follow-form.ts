/**
 * The "New follow model" form: what it checks before sending (each wallet is 0x and 40 hex
 * digits, numbers are numbers), the body of POST /api/models it builds, and where each of the
 * server's 400 problems goes (the server names the path: "wallets.0: …", "sizing.usd: …").
 */
import { parseFieldErrors } from "./form-errors.ts";

export type SizingMode = "fixed" | "proportional" | "kelly";

export interface FollowForm {
  name: string;
  /** One wallet a line. */
  wallets: string;
  mode: SizingMode;
  usd: string;
  ratio: string;
  fraction: string;
  minBet: string;
  maxBet: string;
  priceMin: string;
  priceMax: string;
  minTradeUsd: string;
  /** Comma-separated. */
  categories: string;
  keywords: string;
  minHoursToEnd: string;
  maxHoursToEnd: string;
  minTraderResolved: string;
  minTraderWinRate: string;
  /** Seconds (the API takes milliseconds). */
  maxSignalAgeSec: string;
  maxSlippage: string;
  initialCapital: string;
}

export const emptyFollowForm: FollowForm = {
  name: "",
  wallets: "",
  mode: "fixed",
  usd: "10",
  ratio: "0.1",
  fraction: "0.25",
  minBet: "",
  maxBet: "",
  priceMin: "",
  priceMax: "",
  minTradeUsd: "",
  categories: "",
  keywords: "",
  minHoursToEnd: "",
  maxHoursToEnd: "",
  minTraderResolved: "",
  minTraderWinRate: "",
  maxSignalAgeSec: "300",
  maxSlippage: "0.02",
  initialCapital: "1000",
};

/** The inputs a problem can be shown under; anything else goes above the form. */
export const FOLLOW_FIELDS = [
  "name",
  "wallets",
  "sizing",
  "sizing.usd",
  "sizing.ratio",
  "sizing.fraction",
  "sizing.minBet",
  "sizing.maxBet",
  "filters.priceMin",
  "filters.priceMax",
  "filters.minTradeUsd",
  "filters.categories",
  "filters.keywords",
  "filters.minHoursToEnd",
  "filters.maxHoursToEnd",
  "filters.minTraderResolved",
  "filters.minTraderWinRate",
  "maxSignalAgeMs",
  "maxSlippage",
  "initialCapital",
] as const;

const WALLET = /^0x[0-9a-fA-F]{40}$/;

/** The wallets of the text (one a line, blank lines ignored) and the problem with the first bad one. */
export function parseWallets(text: string): { wallets: string[]; error: string | null } {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  const wallets: string[] = [];
  for (const [i, line] of lines.entries()) {
    if (line === "") continue;
    if (!WALLET.test(line)) return { wallets, error: `Line ${i + 1} ("${line.length > 20 ? `${line.slice(0, 20)}…` : line}") is not a wallet address: 0x and 40 hex digits.` };
    wallets.push(line);
  }
  if (wallets.length === 0) return { wallets, error: "Enter at least one wallet, one a line." };
  return { wallets, error: null };
}

const list = (s: string) =>
  s
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);

/**
 * The request body, or the problems found before sending (by the same field paths the server
 * uses). Money and prices stay decimal strings; counts, ratios and hours are JSON numbers.
 */
export function buildFollowRequest(f: FollowForm): { body: Record<string, unknown> } | { errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const number = (path: string, text: string, opts: { integer?: boolean } = {}): number | undefined => {
    const t = text.trim();
    if (t === "") return undefined;
    const n = Number(t);
    if (!/^\d+(\.\d+)?$/.test(t) || !Number.isFinite(n) || (opts.integer && !Number.isInteger(n))) {
      errors[path] = opts.integer ? "must be a whole number" : "must be a number";
      return undefined;
    }
    return n;
  };
  const text = (t: string) => (t.trim() === "" ? undefined : t.trim());

  if (f.name.trim() === "") errors.name = "Give the model a name.";
  const wallets = parseWallets(f.wallets);
  if (wallets.error) errors.wallets = wallets.error;

  const sizing: Record<string, unknown> = { mode: f.mode };
  if (f.mode === "fixed") {
    if (f.usd.trim() === "") errors["sizing.usd"] = "Enter the dollars to put on each copied trade.";
    else sizing.usd = f.usd.trim();
  } else if (f.mode === "proportional") {
    const r = number("sizing.ratio", f.ratio);
    if (r === undefined && !errors["sizing.ratio"]) errors["sizing.ratio"] = "Enter the share of the trader's dollars (0.1 = a tenth).";
    else sizing.ratio = r;
  } else {
    const k = number("sizing.fraction", f.fraction);
    if (k === undefined && !errors["sizing.fraction"]) errors["sizing.fraction"] = "Enter the fraction of the Kelly bet (0.25 = a quarter).";
    else sizing.fraction = k;
  }
  if (text(f.minBet)) sizing.minBet = text(f.minBet);
  if (text(f.maxBet)) sizing.maxBet = text(f.maxBet);

  const filters: Record<string, unknown> = {};
  if (text(f.priceMin)) filters.priceMin = text(f.priceMin);
  if (text(f.priceMax)) filters.priceMax = text(f.priceMax);
  if (text(f.minTradeUsd)) filters.minTradeUsd = text(f.minTradeUsd);
  if (list(f.categories).length) filters.categories = list(f.categories);
  if (list(f.keywords).length) filters.keywords = list(f.keywords);
  const numbers: Array<[keyof FollowForm, string, boolean]> = [
    ["minHoursToEnd", "filters.minHoursToEnd", false],
    ["maxHoursToEnd", "filters.maxHoursToEnd", false],
    ["minTraderResolved", "filters.minTraderResolved", true],
    ["minTraderWinRate", "filters.minTraderWinRate", false],
  ];
  for (const [key, path, integer] of numbers) {
    const n = number(path, f[key], { integer });
    if (n !== undefined) filters[path.slice("filters.".length)] = n;
  }

  const age = number("maxSignalAgeMs", f.maxSignalAgeSec);
  if (Object.keys(errors).length > 0) return { errors };
  return {
    body: {
      kind: "follow",
      name: f.name.trim(),
      wallets: wallets.wallets,
      sizing,
      filters,
      ...(age !== undefined ? { maxSignalAgeMs: Math.round(age * 1000) } : {}),
      ...(text(f.maxSlippage) ? { maxSlippage: text(f.maxSlippage) } : {}),
      ...(text(f.initialCapital) ? { initialCapital: text(f.initialCapital) } : {}),
    },
  };
}

/**
 * The server's 400 message by the form's inputs: "wallets.2: …" goes under the wallets, naming
 * the line; a nested path goes under its input; "sizing" (the mode) under the mode; the rest
 * (with its path) under "".
 */
export function followServerErrors(message: string): Record<string, string> {
  const out: Record<string, string> = {};
  const add = (field: string, text: string) => (out[field] = out[field] ? `${out[field]}; ${text}` : text);
  for (const [path, text] of Object.entries(parseFieldErrors(message))) {
    const wallet = /^wallets\.(\d+)$/.exec(path);
    if (wallet) add("wallets", `Wallet ${Number(wallet[1]) + 1}: ${text}`);
    else if ((FOLLOW_FIELDS as readonly string[]).includes(path)) add(path, text);
    else if (path.startsWith("sizing.")) add("sizing", `${path}: ${text}`);
    else if (path === "filters") add("", `filters: ${text}`);
    else add("", path === "" ? text : `${path}: ${text}`);
  }
  return out;
}
