CREATE TABLE "llm_calls" (
	"invocation_id" text NOT NULL,
	"seq" integer NOT NULL,
	"model_id" text NOT NULL,
	"key" text NOT NULL,
	"step" text,
	"request" jsonb NOT NULL,
	"response" jsonb NOT NULL,
	"usage" jsonb NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	CONSTRAINT "llm_calls_invocation_id_seq_pk" PRIMARY KEY("invocation_id","seq")
);
--> statement-breakpoint
ALTER TABLE "llm_calls" ADD CONSTRAINT "llm_calls_invocation_id_invocations_id_fk" FOREIGN KEY ("invocation_id") REFERENCES "public"."invocations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "llm_calls" ADD CONSTRAINT "llm_calls_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "llm_calls_model_idx" ON "llm_calls" USING btree ("model_id","recorded_at");