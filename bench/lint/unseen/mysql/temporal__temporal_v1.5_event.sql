-- source: github:temporalio/temporal@6805caea59e3 schema/mysql/v8/temporal/versioned/v1.5/event.sql
ALTER TABLE history_node ADD prev_txn_id BIGINT NOT NULL DEFAULT 0;
