CREATE TABLE "follow_signals" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"model_id" text NOT NULL,
	"wallet" text NOT NULL,
	"trade_key" text NOT NULL,
	"condition_id" text NOT NULL,
	"token_id" text NOT NULL,
	"outcome" text,
	"side" text NOT NULL,
	"price" numeric(38, 12) NOT NULL,
	"size" numeric(38, 12) NOT NULL,
	"traded_at" timestamp with time zone NOT NULL,
	"seen_at" timestamp with time zone NOT NULL,
	"late" boolean DEFAULT false NOT NULL,
	"decision" text,
	"reason" text,
	"client_order_id" text,
	"position_id" text,
	"filled_quantity" numeric(38, 12),
	"fill_price" numeric(38, 12),
	"decided_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "follow_wallets" (
	"model_id" text NOT NULL,
	"wallet" text NOT NULL,
	"cursor" jsonb,
	"last_polled_at" timestamp with time zone,
	"last_error" text,
	CONSTRAINT "follow_wallets_model_id_wallet_pk" PRIMARY KEY("model_id","wallet")
);
--> statement-breakpoint
ALTER TABLE "follow_signals" ADD CONSTRAINT "follow_signals_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "follow_wallets" ADD CONSTRAINT "follow_wallets_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "follow_signals_model_key_idx" ON "follow_signals" USING btree ("model_id","trade_key");--> statement-breakpoint
CREATE INDEX "follow_signals_pending_idx" ON "follow_signals" USING btree ("model_id","id");