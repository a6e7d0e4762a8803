CREATE TABLE "mirror_executions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"mirror_id" text NOT NULL,
	"signal_id" bigint NOT NULL,
	"source_model_id" text NOT NULL,
	"follower_model_id" text NOT NULL,
	"action" text NOT NULL,
	"signal" jsonb NOT NULL,
	"symbol" text NOT NULL,
	"side" text NOT NULL,
	"state" text NOT NULL,
	"outcome" text,
	"reason" text,
	"detail" text,
	"message" text,
	"source_price" numeric(38, 12),
	"source_quantity" numeric(38, 10),
	"source_at" timestamp with time zone NOT NULL,
	"intended_quantity" numeric(38, 10),
	"filled_quantity" numeric(38, 10),
	"avg_price" numeric(38, 12),
	"slippage_bps" numeric(12, 2),
	"client_order_id" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"claimed_by" text,
	"lease_until" timestamp with time zone,
	"sent_at" timestamp with time zone,
	"filled_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mirror_executions_key_unique" UNIQUE("key")
);
--> statement-breakpoint
CREATE TABLE "mirror_hosts" (
	"id" text PRIMARY KEY NOT NULL,
	"seen_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mirrors" (
	"id" text PRIMARY KEY NOT NULL,
	"source_model_id" text NOT NULL,
	"follower_model_id" text NOT NULL,
	"sizing" jsonb NOT NULL,
	"order_type" text NOT NULL,
	"ttl_ms" integer,
	"max_slippage_bps" integer NOT NULL,
	"min_notional" numeric(38, 6) NOT NULL,
	"max_signal_age_ms" integer NOT NULL,
	"symbols" jsonb,
	"active" boolean DEFAULT true NOT NULL,
	"deleted_at" timestamp with time zone,
	"signal_cursor" bigint NOT NULL,
	"host" text,
	"lease_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "writer" text;--> statement-breakpoint
ALTER TABLE "mirror_executions" ADD CONSTRAINT "mirror_executions_mirror_id_mirrors_id_fk" FOREIGN KEY ("mirror_id") REFERENCES "public"."mirrors"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mirrors" ADD CONSTRAINT "mirrors_source_model_id_models_id_fk" FOREIGN KEY ("source_model_id") REFERENCES "public"."models"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mirrors" ADD CONSTRAINT "mirrors_follower_model_id_models_id_fk" FOREIGN KEY ("follower_model_id") REFERENCES "public"."models"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "mirror_executions_signal_idx" ON "mirror_executions" USING btree ("mirror_id","signal_id");--> statement-breakpoint
CREATE INDEX "mirror_executions_work_idx" ON "mirror_executions" USING btree ("mirror_id","state","signal_id");--> statement-breakpoint
CREATE INDEX "mirror_executions_recent_idx" ON "mirror_executions" USING btree ("mirror_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "mirrors_one_per_follower" ON "mirrors" USING btree ("follower_model_id") WHERE "mirrors"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "fills_client_order_idx" ON "fills" USING btree ("client_order_id");--> statement-breakpoint
CREATE INDEX "outbox_model_idx" ON "outbox" USING btree ("model_id","id");