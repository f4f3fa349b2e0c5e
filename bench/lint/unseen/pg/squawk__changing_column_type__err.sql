-- source: github:sbdchd/squawk@5125ddf5ad42 crates/squawk_linter/src/rules/changing_column_type.rs (test err: squawk says err)
BEGIN;
--
-- Alter field edits on recipe
--
ALTER TABLE "core_recipe" ALTER COLUMN "edits" TYPE text USING "edits"::text;
COMMIT;
        
