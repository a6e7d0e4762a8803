CREATE TABLE "funding_payments" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"model_id" text NOT NULL,
	"venue" text NOT NULL,
	"payment_id" text NOT NULL,
	"symbol" text NOT NULL,
	"amount" numeric(38, 6) NOT NULL,
	"paid_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "live_control" (
	"id" integer PRIMARY KEY NOT NULL,
	"halted" boolean DEFAULT false NOT NULL,
	"reason" text,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "halt_reason" text;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "venue" jsonb DEFAULT '{"kind":"sim"}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "venue_orders" ADD COLUMN "venue_client_index" bigint;--> statement-breakpoint
ALTER TABLE "funding_payments" ADD CONSTRAINT "funding_payments_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "funding_payments_venue_id_idx" ON "funding_payments" USING btree ("venue","payment_id");