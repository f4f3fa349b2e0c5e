-- source: github:sbdchd/squawk@5125ddf5ad42 crates/squawk_linter/src/rules/transaction_nesting.rs (test no_nesting_repeated_ok: squawk says ok)
BEGIN;
SELECT 1;
COMMIT;
-- This probably shouldn't be done in a migration. However, Squawk may be linting several
-- migrations that are concatentated, so don't raise a warning here.
BEGIN;
SELECT 2;
COMMIT;
        
