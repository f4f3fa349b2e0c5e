-- source: github:sbdchd/squawk@5125ddf5ad42 crates/squawk_linter/src/rules/constraint_missing_not_valid.rs (test using_unique_index_ok: squawk says ok)
ALTER TABLE "app_email" ADD CONSTRAINT "email_uniq" UNIQUE USING INDEX "email_idx";
        
