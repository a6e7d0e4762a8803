CREATE TABLE "polymarket_signed_orders" (
	"client_order_id" text PRIMARY KEY NOT NULL,
	"model_id" text NOT NULL,
	"order_id" text NOT NULL,
	"record" jsonb NOT NULL,
	"signed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "polymarket_signed_orders" ADD CONSTRAINT "polymarket_signed_orders_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "polymarket_signed_orders_order_idx" ON "polymarket_signed_orders" USING btree ("order_id");