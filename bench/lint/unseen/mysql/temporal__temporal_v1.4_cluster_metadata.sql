-- source: github:temporalio/temporal@6805caea59e3 schema/mysql/v8/temporal/versioned/v1.4/cluster_metadata.sql
ALTER TABLE cluster_metadata DROP immutable_data;
ALTER TABLE cluster_metadata DROP immutable_data_encoding;
