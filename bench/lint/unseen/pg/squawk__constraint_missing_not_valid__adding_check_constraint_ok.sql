-- source: github:sbdchd/squawk@5125ddf5ad42 crates/squawk_linter/src/rules/constraint_missing_not_valid.rs (test adding_check_constraint_ok: squawk says ok)
-- use `NOT VALID`
ALTER TABLE "accounts" ADD CONSTRAINT "positive_balance" CHECK ("balance" >= 0) NOT VALID;
ALTER TABLE accounts VALIDATE CONSTRAINT positive_balance;
        
