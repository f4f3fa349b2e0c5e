-- source: github:temporalio/temporal@6805caea59e3 schema/mysql/v8/temporal/versioned/v1.6/queue_metadata.sql
ALTER TABLE queue_metadata ADD version BIGINT NOT NULL DEFAULT 0;
