-- source: github:temporalio/temporal@6805caea59e3 schema/postgresql/v12/temporal/versioned/v1.8/alter_columns.sql
ALTER TABLE current_executions ALTER COLUMN create_request_id TYPE VARCHAR(255);
ALTER TABLE signals_requested_sets ALTER COLUMN signal_id TYPE VARCHAR(255);
