-- source: github:sbdchd/squawk@5125ddf5ad42 crates/squawk_linter/src/rules/ban_uncommitted_transaction.rs (test begin_work_uncommitted_err: squawk says err)
BEGIN WORK;
CREATE TABLE users (id bigint);
        
