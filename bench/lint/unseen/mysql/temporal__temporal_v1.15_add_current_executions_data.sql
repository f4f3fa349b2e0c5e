-- source: github:temporalio/temporal@6805caea59e3 schema/mysql/v8/temporal/versioned/v1.15/add_current_executions_data.sql
ALTER TABLE current_executions
  ADD COLUMN data MEDIUMBLOB NULL,
  ADD COLUMN data_encoding VARCHAR(16) NULL;
