-- source: github:sbdchd/squawk@5125ddf5ad42 crates/squawk_linter/src/rules/transaction_nesting.rs (test rollback_with_assume_in_transaction_err: squawk says err, settings tx)
SELECT 1;
-- Not sure why rollback would be used in a migration, but test for completeness
ROLLBACK;
        
