CREATE TABLE "retention_marks" (
	"name" text PRIMARY KEY NOT NULL,
	"pruned_before" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "llm_calls_recorded_idx" ON "llm_calls" USING btree ("recorded_at");