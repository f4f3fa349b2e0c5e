-- source: github:sbdchd/squawk@5125ddf5ad42 crates/squawk_linter/src/rules/ban_uncommitted_transaction.rs (test rolled_back_transaction_ok: squawk says ok)
BEGIN;
CREATE TABLE users (id bigint);
ROLLBACK;
        
