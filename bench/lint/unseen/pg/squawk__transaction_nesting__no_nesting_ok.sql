-- source: github:sbdchd/squawk@5125ddf5ad42 crates/squawk_linter/src/rules/transaction_nesting.rs (test no_nesting_ok: squawk says ok)
BEGIN;
SELECT 1;
COMMIT;
        
