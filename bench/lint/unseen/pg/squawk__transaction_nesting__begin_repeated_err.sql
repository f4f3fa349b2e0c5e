-- source: github:sbdchd/squawk@5125ddf5ad42 crates/squawk_linter/src/rules/transaction_nesting.rs (test begin_repeated_err: squawk says err)
BEGIN;
BEGIN;
SELECT 1;
COMMIT;
        
