import { DEFAULT_MAX_STEPS, runLlmAgent, type LlmStep } from "../agents/llm/agent.js";
import { cleanText, keyRedactor } from "../agents/llm/model-output.js";
import type { ChatModel } from "../agents/llm/provider.js";
import { parseLlmSettings, type LlmSettings } from "../agents/llm/settings.js";
import { findVariant, type LlmVariant } from "../agents/llm/variants.js";
import type { RuleStrategy } from "../agents/strategy.js";
import { findRuleStrategy } from "../agents/rules/index.js";
import type { Decider, RunReport, ScheduledModel } from "./scheduler.js";

/**
 * Deciders for the scheduler: a rule strategy's `decide`, or an LLM run that writes its prompt,
 * steps, tokens and text into the run's report as it goes (so a failed or timed-out run keeps
 * what happened before it failed). An LLM model's settings are validated when its run starts:
 * bad stored settings or a missing key variable fail that run, with the reason, and nothing else.
 * The run's key is redacted from whatever the run records (the agent cleans the model's output;
 * the report's `redact` makes the invocation log do the same to everything else it writes).
 */

export interface LlmDeciderOptions {
  /** Where key variables are read (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** The agent's own deadline (default 120 s); the scheduler's run timeout applies as well. */
  timeoutMs?: number;
  maxRetries?: number;
  stream?: boolean;
  /** A model to run instead of the settings' server (tests, benchmarks). */
  model?: (settings: LlmSettings, model: ScheduledModel) => ChatModel;
}

export interface DeciderOptions extends LlmDeciderOptions {
  /** Rule strategies by name (default the built-in ones). */
  rules?: (name: string) => RuleStrategy | undefined;
  /**
   * Wraps or replaces the decider a model gets (undefined: unknown strategy): a backtest records
   * every decision through it, and a what-if run replays the recorded ones instead of deciding.
   */
  around?: (model: ScheduledModel, decide: Decider | undefined) => Decider | undefined;
}

function addStep(report: RunReport, step: LlmStep): void {
  (report.steps ??= []).push(step);
  report.inputTokens = (report.inputTokens ?? 0) + (step.inputTokens ?? 0);
  report.outputTokens = (report.outputTokens ?? 0) + (step.outputTokens ?? 0);
  report.unexecutedToolCalls = (report.unexecutedToolCalls ?? 0) + step.toolCalls.filter((c) => !c.executed).length;
}

/**
 * Stored settings parsed once rather than at every run of every model (the URL checks alone were
 * a tenth of a run's own work before its request). Only settings whose JSON text says all there
 * is to say about them are kept (a plain object of strings, finite numbers, booleans and nulls),
 * by that text; a bad one is never kept, so each of its runs fails with the reason. Bounded:
 * models come and go, and their settings change.
 */
const parsedSettings = new Map<string, LlmSettings>();
const PARSED_SETTINGS_KEPT = 1_000;

function settingsKey(input: unknown): string | undefined {
  if (typeof input !== "object" || input === null || Object.getPrototypeOf(input) !== Object.prototype) return undefined;
  for (const value of Object.values(input)) {
    if (!(value === null || typeof value === "string" || typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value)))) return undefined;
  }
  return JSON.stringify(input);
}

function settingsOf(input: unknown): LlmSettings {
  const key = settingsKey(input);
  const kept = key === undefined ? undefined : parsedSettings.get(key);
  if (kept) return kept;
  const settings = parseLlmSettings(input);
  if (key !== undefined) {
    if (parsedSettings.size >= PARSED_SETTINGS_KEPT) parsedSettings.clear();
    parsedSettings.set(key, settings);
  }
  return settings;
}

export function createLlmDecider(model: ScheduledModel, variant: LlmVariant, options: LlmDeciderOptions = {}): Decider {
  return async (ctx, tools, report) => {
    const settings = settingsOf(model.llm);
    report.redact = keyRedactor(settings, options.env);
    report.steps = [];
    const result = await runLlmAgent({
      ctx,
      tools,
      settings,
      variant,
      ...(options.model ? { model: options.model(settings, model) } : {}),
      ...(options.env ? { env: options.env } : {}),
      signal: ctx.signal,
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.maxRetries !== undefined ? { maxRetries: options.maxRetries } : {}),
      ...(options.stream !== undefined ? { stream: options.stream } : {}),
      onPrompt: (p) => {
        report.prompt = `SYSTEM:\n${p.system}\n\nUSER:\n${p.prompt}`;
        report.savePrompt?.(report.prompt);
      },
      onStep: (step) => addStep(report, step),
    });
    const maxSteps = settings.maxSteps ?? DEFAULT_MAX_STEPS;
    const cutOff = !result.held && result.steps.length >= maxSteps && (result.steps.at(-1)?.toolCalls.length ?? 0) > 0;
    const text = cleanText(result.text, report.redact);
    report.response = cutOff ? `${text}\n\n[stopped at the step limit of ${maxSteps} steps without calling holding]`.trim() : text;
  };
}

/** `decider` for the Scheduler: rule models by strategy name, llm models by variant name; unknown names get none (a recorded error). */
export function createDeciders(options: DeciderOptions = {}): (model: ScheduledModel) => Decider | undefined {
  const rules = options.rules ?? findRuleStrategy;
  const own = (model: ScheduledModel): Decider | undefined => {
    if (model.kind === "llm") {
      const variant = findVariant(model.strategy);
      return variant ? createLlmDecider(model, variant, options) : undefined;
    }
    const strategy = rules(model.strategy);
    return strategy ? (ctx, tools) => strategy.decide(ctx, tools) : undefined;
  };
  const around = options.around;
  return around ? (model) => around(model, own(model)) : own;
}
