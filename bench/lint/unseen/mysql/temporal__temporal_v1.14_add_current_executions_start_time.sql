-- source: github:temporalio/temporal@6805caea59e3 schema/mysql/v8/temporal/versioned/v1.14/add_current_executions_start_time.sql
ALTER TABLE current_executions ADD COLUMN start_time DATETIME(6) NULL;