-- source: github:sbdchd/squawk@5125ddf5ad42 crates/squawk_linter/src/rules/ban_uncommitted_transaction.rs (test uncommitted_transaction_err: squawk says err)
BEGIN;
CREATE TABLE users (id bigint);
        
