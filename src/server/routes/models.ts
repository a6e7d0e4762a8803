import { Hono } from "hono";
import { z } from "zod";
import { capital, cappedCount, modelIdParam, oneOf } from "../fields.js";
import { llmSettingsSchema } from "../../agents/llm/settings.js";
import type { AppServices } from "../../app/services.js";
import { jsonBody, paramsOf, queryOf } from "../validation.js";

/**
 * Where a model trades. A live account (Lighter, Polymarket) names the environment variables that
 * hold its keys: a key itself is never sent, stored or shown (a body with one is refused).
 */
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,99}$/, { error: "must be the name of an environment variable (letters, digits, _), not a key" });

const venueSchema = z.discriminatedUnion(
  "kind",
  [
    z.strictObject({ kind: z.literal("sim") }),
    z.strictObject(
      {
        kind: z.literal("lighter"),
        accountIndex: z
          .number({ error: "must be a whole number" })
          .int({ error: "must be a whole number" })
          .min(0)
          .max(2 ** 48 - 2),
        apiKeyIndex: z.number({ error: "must be a whole number" }).int({ error: "must be a whole number" }).min(0).max(254),
        privateKeyEnv: envName,
      },
      { error: "unknown field: a Lighter venue takes kind, accountIndex, apiKeyIndex and privateKeyEnv (the name of the variable holding the key, never the key)" },
    ),
    z
      .strictObject(
        {
          kind: z.literal("polymarket"),
          privateKeyEnv: envName,
          signatureType: z.union([z.literal(0), z.literal(1), z.literal(2)], { error: "must be 0 (EOA), 1 (POLY_PROXY) or 2 (POLY_GNOSIS_SAFE)" }),
          funder: z
            .string()
            .regex(/^0x[0-9a-fA-F]{40}$/, { error: "must be the 0x address of the proxy or safe wallet holding the funds" })
            .optional(),
          apiKeyEnv: envName.optional(),
          apiSecretEnv: envName.optional(),
          apiPassphraseEnv: envName.optional(),
        },
        {
          error: "unknown field: a Polymarket venue takes kind, privateKeyEnv, signatureType, funder and optionally apiKeyEnv, apiSecretEnv, apiPassphraseEnv (names of variables, never keys)",
        },
      )
      .refine((v) => v.signatureType === 0 || v.funder !== undefined, { error: "funder: signature types 1 and 2 sign for a proxy or safe wallet: give its address", path: ["funder"] })
      .refine((v) => [v.apiKeyEnv, v.apiSecretEnv, v.apiPassphraseEnv].every((n) => n === undefined) || [v.apiKeyEnv, v.apiSecretEnv, v.apiPassphraseEnv].every((n) => n !== undefined), {
        error: "apiKeyEnv, apiSecretEnv and apiPassphraseEnv go together (or none: the credentials are derived from the key)",
        path: ["apiKeyEnv"],
      }),
  ],
  { error: 'must be {"kind":"sim"}, {"kind":"lighter","accountIndex","apiKeyIndex","privateKeyEnv"} or {"kind":"polymarket","privateKeyEnv","signatureType","funder"?}' },
);

/** Unknown top-level fields are ignored: API.md lets model bodies grow ("..."). */
const createModelBody = z
  .object({
    name: z.string().trim().min(1, { error: "must not be empty" }).max(100),
    kind: oneOf(["rule", "llm", "mirror", "follow"]),
    // A follower (kind "mirror") has none: its orders come from its mirror.
    strategy: z.string().trim().min(1, { error: "must not be empty" }).max(100).optional(),
    // Micro-dollars are the unit: at most 6 decimals, and at most MAX_INITIAL_CAPITAL_USD.
    initialCapital: capital().optional(),
    // The same schema the agent parses stored settings with: base URL, model id, key variable, temperature, steps.
    llm: llmSettingsSchema.optional(),
    // Checked in full by the risk engine, which names each bad limit.
    risk: z.record(z.string(), z.unknown(), { error: "must be an object of limits" }).optional(),
    venue: venueSchema.optional(),
    // A follow model's wallets and rules, checked in full by the services (followSettingsSchema).
    wallets: z.unknown().optional(),
    filters: z.unknown().optional(),
    sizing: z.unknown().optional(),
    maxSignalAgeMs: z.unknown().optional(),
    maxSlippage: z.unknown().optional(),
  })
  .superRefine((body, ctx) => {
    if (body.kind !== "follow") {
      for (const field of ["wallets", "filters", "sizing", "maxSignalAgeMs", "maxSlippage"] as const) {
        if (body[field] !== undefined) ctx.addIssue({ code: "custom", path: [field], message: 'is only allowed for a follow model (kind "follow")' });
      }
    }
    if (body.kind !== "mirror" && body.kind !== "follow" && body.strategy === undefined) {
      ctx.addIssue({ code: "custom", path: ["strategy"], message: "is required" });
    }
    if (body.kind === "llm" && !body.llm) {
      ctx.addIssue({ code: "custom", path: ["llm"], message: "is required for an llm model" });
    }
    if (body.kind !== "llm" && body.llm) {
      ctx.addIssue({ code: "custom", path: ["llm"], message: "is only allowed for an llm model" });
    }
  });

const patchBody = z
  .strictObject({
    status: oneOf(["active", "paused"]).optional(),
    risk: z.record(z.string(), z.unknown(), { error: "must be an object of limits" }).nullable().optional(),
  })
  .refine((b) => b.status !== undefined || b.risk !== undefined, { error: "must set status or risk" });

/**
 * `?limit=&before=&decision=&reason=` of a follow model's signals: newest first, `before` an id
 * (the oldest of the page shown) to page back, a decision or a skip reason to narrow them.
 */
const signalsQuery = z.object({
  limit: cappedCount(100, 1000),
  before: z
    .string()
    .regex(/^[1-9]\d{0,14}$/, { error: "must be the id of a signal (a whole number from 1)" })
    .transform(Number)
    .optional(),
  decision: oneOf(["copied", "skipped", "pending"]).optional(),
  reason: z
    .string()
    .regex(/^[a-z0-9_:]{1,100}$/, { error: "must be a skip reason such as slippage_exceeded (lowercase letters, digits, _ and :)" })
    .optional(),
});

const equityQuery = z.object({
  window: oneOf(["1h", "24h", "7d", "30d", "all"]).default("all"),
});

/** Models with their accounts and metrics, the strategies they can run, their equity curves and analytics. */
export function modelRoutes(services: AppServices) {
  return new Hono()
    .get("/strategies", (c) => c.json(services.strategies()))
    .get("/models", async (c) => c.json(await services.listModels()))
    .post("/models", jsonBody(createModelBody), async (c) => c.json(await services.createModel(c.req.valid("json")), 201))
    .get("/models/:id", paramsOf(modelIdParam), async (c) => c.json(await services.getModel(c.req.valid("param").id)))
    .get("/models/:id/signals", paramsOf(modelIdParam), queryOf(signalsQuery), async (c) => {
      const { limit, before, decision, reason } = c.req.valid("query");
      return c.json(await services.signals(c.req.valid("param").id, { limit, ...(before !== undefined ? { before } : {}), ...(decision ? { decision } : {}), ...(reason ? { reason } : {}) }));
    })
    .get("/models/:id/signals/summary", paramsOf(modelIdParam), async (c) => c.json(await services.signalSummary(c.req.valid("param").id)))
    .get("/models/:id/wallets", paramsOf(modelIdParam), async (c) => c.json(await services.followWallets(c.req.valid("param").id)))
    .patch("/models/:id", paramsOf(modelIdParam), jsonBody(patchBody), async (c) => {
      const { id } = c.req.valid("param");
      const { status, risk } = c.req.valid("json");
      // Risk first: a bad limit is a 400 and the status is not changed either.
      let model = risk !== undefined ? await services.setRiskLimits(id, risk) : undefined;
      if (status !== undefined) model = await services.setModelStatus(id, status);
      return c.json(model!);
    })
    .get("/models/:id/equity", paramsOf(modelIdParam), queryOf(equityQuery), async (c) => c.json(await services.equity(c.req.valid("param").id, c.req.valid("query").window)))
    .get("/models/:id/analytics", paramsOf(modelIdParam), async (c) => c.json(await services.analytics(c.req.valid("param").id)));
}
