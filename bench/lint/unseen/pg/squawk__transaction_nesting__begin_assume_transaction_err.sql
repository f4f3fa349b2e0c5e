-- source: github:sbdchd/squawk@5125ddf5ad42 crates/squawk_linter/src/rules/transaction_nesting.rs (test begin_assume_transaction_err: squawk says err, settings tx)
BEGIN;
BEGIN;
SELECT 1;
COMMIT;
        
