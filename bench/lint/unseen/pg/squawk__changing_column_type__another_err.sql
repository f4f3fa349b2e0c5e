-- source: github:sbdchd/squawk@5125ddf5ad42 crates/squawk_linter/src/rules/changing_column_type.rs (test another_err: squawk says err)
BEGIN;
--
-- Alter field foo on recipe
--
ALTER TABLE "core_recipe" ALTER COLUMN "foo" TYPE varchar(255) USING "foo"::varchar(255);
ALTER TABLE "core_recipe" ALTER COLUMN "foo" TYPE text USING "foo"::text;
COMMIT;
        
