ALTER TABLE "mirror_executions" ADD COLUMN "trader_signal_id" bigint;--> statement-breakpoint
ALTER TABLE "mirror_executions" ADD COLUMN "trader_wallet" text;--> statement-breakpoint
ALTER TABLE "mirror_executions" ADD COLUMN "trader_price" numeric(38, 12);--> statement-breakpoint
ALTER TABLE "mirror_executions" ADD COLUMN "trader_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "mirror_executions" ADD COLUMN "trader_slippage_bps" numeric(12, 2);