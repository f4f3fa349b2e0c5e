-- source: github:sbdchd/squawk@5125ddf5ad42 crates/squawk_linter/src/rules/ban_uncommitted_transaction.rs (test nested_begin_only_last_uncommitted_err: squawk says ok)
BEGIN;
BEGIN;
COMMIT;
        
