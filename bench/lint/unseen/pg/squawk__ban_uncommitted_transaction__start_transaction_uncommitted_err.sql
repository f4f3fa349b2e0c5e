-- source: github:sbdchd/squawk@5125ddf5ad42 crates/squawk_linter/src/rules/ban_uncommitted_transaction.rs (test start_transaction_uncommitted_err: squawk says err)
START TRANSACTION;
CREATE TABLE users (id bigint);
        
