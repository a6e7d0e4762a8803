CREATE TABLE "candles" (
	"symbol" text NOT NULL,
	"interval" text NOT NULL,
	"open_time" timestamp with time zone NOT NULL,
	"open" numeric(38, 12) NOT NULL,
	"high" numeric(38, 12) NOT NULL,
	"low" numeric(38, 12) NOT NULL,
	"close" numeric(38, 12) NOT NULL,
	"volume" numeric(38, 10) NOT NULL,
	CONSTRAINT "candles_symbol_interval_open_time_pk" PRIMARY KEY("symbol","interval","open_time")
);
--> statement-breakpoint
CREATE TABLE "equity_snapshots" (
	"model_id" text NOT NULL,
	"resolution" text NOT NULL,
	"ts" timestamp with time zone NOT NULL,
	"equity" numeric(38, 6) NOT NULL,
	"cash" numeric(38, 6) NOT NULL,
	"unrealized_pnl" numeric(38, 6) NOT NULL,
	CONSTRAINT "equity_snapshots_model_id_resolution_ts_pk" PRIMARY KEY("model_id","resolution","ts")
);
--> statement-breakpoint
CREATE TABLE "fills" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"venue" text NOT NULL,
	"trade_id" text NOT NULL,
	"client_order_id" text NOT NULL,
	"model_id" text NOT NULL,
	"position_id" text,
	"symbol" text NOT NULL,
	"side" text NOT NULL,
	"price" numeric(38, 12) NOT NULL,
	"quantity" numeric(38, 10) NOT NULL,
	"fee" numeric(38, 6) NOT NULL,
	"liquidity" text NOT NULL,
	"ts" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "invocations" (
	"id" text PRIMARY KEY NOT NULL,
	"model_id" text NOT NULL,
	"status" text NOT NULL,
	"prompt" text,
	"response" text,
	"decisions" jsonb,
	"error" text,
	"duration_ms" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "ledger" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"model_id" text NOT NULL,
	"kind" text NOT NULL,
	"amount" numeric(38, 6) NOT NULL,
	"position_id" text,
	"fill_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "market_state" (
	"symbol" text PRIMARY KEY NOT NULL,
	"mid" numeric(38, 12) NOT NULL,
	"feed_state" jsonb,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "models" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"strategy" text NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"initial_capital" numeric(38, 6) NOT NULL,
	"config" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "models_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "orders" (
	"id" text PRIMARY KEY NOT NULL,
	"model_id" text NOT NULL,
	"venue" text NOT NULL,
	"symbol" text NOT NULL,
	"side" text NOT NULL,
	"quantity" numeric(38, 10) NOT NULL,
	"leverage" numeric(10, 2) NOT NULL,
	"entry_price" numeric(38, 12) NOT NULL,
	"entry_cost" numeric(38, 6) NOT NULL,
	"entry_fees" numeric(38, 6) DEFAULT '0' NOT NULL,
	"exit_plan" jsonb,
	"status" text DEFAULT 'OPEN' NOT NULL,
	"exit_price" numeric(38, 12),
	"exit_notional" numeric(38, 6),
	"realized_pnl" numeric(38, 6),
	"fees" numeric(38, 6) DEFAULT '0' NOT NULL,
	"close_trigger" text,
	"entry_client_order_id" text,
	"exit_client_order_id" text,
	"parent_id" text,
	"sl_order_index" text,
	"tp_order_index" text,
	"sl_trigger_price" numeric(38, 12),
	"tp_trigger_price" numeric(38, 12),
	"opened_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"model_id" text,
	"payload" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tool_calls" (
	"id" text PRIMARY KEY NOT NULL,
	"invocation_id" text,
	"model_id" text NOT NULL,
	"type" text NOT NULL,
	"metadata" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "venue_orders" (
	"id" text PRIMARY KEY NOT NULL,
	"client_order_id" text NOT NULL,
	"venue_order_id" text,
	"model_id" text NOT NULL,
	"position_id" text,
	"venue" text NOT NULL,
	"symbol" text NOT NULL,
	"side" text NOT NULL,
	"type" text NOT NULL,
	"time_in_force" text NOT NULL,
	"price" numeric(38, 12),
	"quantity" numeric(38, 10) NOT NULL,
	"filled_quantity" numeric(38, 10) DEFAULT '0' NOT NULL,
	"leverage" numeric(10, 2) NOT NULL,
	"reduce_only" boolean DEFAULT false NOT NULL,
	"post_only" boolean DEFAULT false NOT NULL,
	"expires_at" timestamp with time zone,
	"purpose" text NOT NULL,
	"close_trigger" text,
	"exit_plan" jsonb,
	"status" text NOT NULL,
	"reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "venue_orders_client_order_id_unique" UNIQUE("client_order_id")
);
--> statement-breakpoint
ALTER TABLE "equity_snapshots" ADD CONSTRAINT "equity_snapshots_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fills" ADD CONSTRAINT "fills_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invocations" ADD CONSTRAINT "invocations_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger" ADD CONSTRAINT "ledger_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tool_calls" ADD CONSTRAINT "tool_calls_invocation_id_invocations_id_fk" FOREIGN KEY ("invocation_id") REFERENCES "public"."invocations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tool_calls" ADD CONSTRAINT "tool_calls_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "venue_orders" ADD CONSTRAINT "venue_orders_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "fills_venue_trade_idx" ON "fills" USING btree ("venue","trade_id");--> statement-breakpoint
CREATE INDEX "fills_model_idx" ON "fills" USING btree ("model_id","id");--> statement-breakpoint
CREATE INDEX "invocations_model_idx" ON "invocations" USING btree ("model_id","created_at");--> statement-breakpoint
CREATE INDEX "ledger_model_idx" ON "ledger" USING btree ("model_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "orders_one_open_per_symbol" ON "orders" USING btree ("model_id","symbol") WHERE "orders"."status" = 'OPEN';--> statement-breakpoint
CREATE INDEX "orders_model_status_idx" ON "orders" USING btree ("model_id","status","closed_at");--> statement-breakpoint
CREATE INDEX "tool_calls_invocation_idx" ON "tool_calls" USING btree ("invocation_id");--> statement-breakpoint
CREATE INDEX "venue_orders_model_status_idx" ON "venue_orders" USING btree ("model_id","status");