-- source: github:temporalio/temporal@6805caea59e3 schema/postgresql/v12/temporal/versioned/v1.16/fix_data_encoding_column.sql
ALTER TABLE current_executions DROP COLUMN data_encoding;
ALTER TABLE current_executions ADD COLUMN data_encoding VARCHAR(16) NOT NULL DEFAULT '';
