-- source: github:temporalio/temporal@6805caea59e3 schema/mysql/v8/temporal/versioned/v1.5/cluster_membership.sql
ALTER TABLE cluster_membership MODIFY COLUMN rpc_address VARCHAR(128);
