-- source: github:temporalio/temporal@6805caea59e3 schema/mysql/v8/temporal/versioned/v1.8/alter_columns.sql
ALTER TABLE current_executions MODIFY COLUMN create_request_id VARCHAR(255);
ALTER TABLE signals_requested_sets MODIFY COLUMN signal_id VARCHAR(255);
