-- source: github:sbdchd/squawk@5125ddf5ad42 crates/squawk_linter/src/rules/adding_foreign_key_constraint.rs (test add_column_references_lock: squawk says err)
BEGIN;
ALTER TABLE "emails" ADD COLUMN "user_id" INT REFERENCES "user" ("id");
COMMIT;
        
