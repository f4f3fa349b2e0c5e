-- source: github:temporalio/temporal@6805caea59e3 schema/mysql/v8/visibility/versioned/v1.3/add_history_size_bytes.sql
ALTER TABLE executions_visibility ADD COLUMN history_size_bytes BIGINT NULL;
CREATE INDEX by_history_size_bytes ON executions_visibility (namespace_id, history_size_bytes, (COALESCE(close_time, CAST('9999-12-31 23:59:59' AS DATETIME))) DESC, start_time DESC, run_id);
