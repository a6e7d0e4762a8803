ALTER TABLE "invocations" ADD COLUMN "input_tokens" integer;--> statement-breakpoint
ALTER TABLE "invocations" ADD COLUMN "output_tokens" integer;--> statement-breakpoint
ALTER TABLE "invocations" ADD COLUMN "steps" jsonb;--> statement-breakpoint
ALTER TABLE "invocations" ADD COLUMN "tool_call_count" integer;--> statement-breakpoint
ALTER TABLE "invocations" ADD COLUMN "failed_tool_calls" integer;--> statement-breakpoint
CREATE INDEX "tool_calls_model_idx" ON "tool_calls" USING btree ("model_id","created_at");