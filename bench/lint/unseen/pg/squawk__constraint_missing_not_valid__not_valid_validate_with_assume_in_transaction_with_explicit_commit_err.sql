-- source: github:sbdchd/squawk@5125ddf5ad42 crates/squawk_linter/src/rules/constraint_missing_not_valid.rs (test not_valid_validate_with_assume_in_transaction_with_explicit_commit_err: squawk says err, settings tx)
ALTER TABLE "app_email" ADD CONSTRAINT "fk_user" FOREIGN KEY (user_id) REFERENCES "app_user" (id) NOT VALID;
ALTER TABLE "app_email" VALIDATE CONSTRAINT "fk_user";
COMMIT;
        
