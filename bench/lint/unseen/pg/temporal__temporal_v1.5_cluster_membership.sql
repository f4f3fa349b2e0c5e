-- source: github:temporalio/temporal@6805caea59e3 schema/postgresql/v12/temporal/versioned/v1.5/cluster_membership.sql
ALTER TABLE cluster_membership ALTER COLUMN rpc_address TYPE VARCHAR(128);
