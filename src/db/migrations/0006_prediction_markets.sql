CREATE TABLE "prediction_markets" (
	"condition_id" text PRIMARY KEY NOT NULL,
	"question" text NOT NULL,
	"slug" text NOT NULL,
	"status" text NOT NULL,
	"winner" text,
	"end_date" timestamp with time zone NOT NULL,
	"tick_size" text NOT NULL,
	"min_order_size" text NOT NULL,
	"neg_risk" boolean NOT NULL,
	"category" text,
	"outcomes" jsonb NOT NULL,
	"source" text NOT NULL,
	"resolved_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
