/**
 * Strategy and prompt-variant names as people know them: an LLM variant also answers to the
 * name the original system gave its persona ("Apex" for aggressive-momentum), listed by
 * `GET /api/strategies` as its aliases. Pure, so the labels and the lookup are unit tested.
 */
import type { StrategyView } from "../api/types.ts";

/** "aggressive-momentum (Apex)" for a variant with an original name; the name alone otherwise (or while the list loads). */
export function strategyLabel(name: string, strategies: readonly StrategyView[] | undefined): string {
  const s = strategies?.find((x) => x.name === name);
  return s?.aliases?.length ? `${s.name} (${s.aliases.join(", ")})` : name;
}

/** The strategy a name means, by its own name or one of its aliases, in any case ("apex", "Guardian"); undefined if none. */
export function findStrategy(name: string, strategies: readonly StrategyView[] | undefined): StrategyView | undefined {
  const wanted = name.trim().toLowerCase();
  if (!wanted) return undefined;
  return strategies?.find((s) => s.name.toLowerCase() === wanted || (s.aliases ?? []).some((a) => a.toLowerCase() === wanted));
}
