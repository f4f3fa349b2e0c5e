-- source: github:sbdchd/squawk@5125ddf5ad42 crates/squawk_linter/src/rules/transaction_nesting.rs (test no_nesting_with_assume_transaction_ok: squawk says ok, settings tx)
SELECT 1;
        
