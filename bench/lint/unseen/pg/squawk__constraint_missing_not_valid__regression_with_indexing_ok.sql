-- source: github:sbdchd/squawk@5125ddf5ad42 crates/squawk_linter/src/rules/constraint_missing_not_valid.rs (test regression_with_indexing_ok: squawk says ok, settings tx)
CREATE TABLE "core_foo" (
"id" serial NOT NULL PRIMARY KEY,
"age" integer NOT NULL
);
ALTER TABLE "core_foo" ADD CONSTRAINT "age_restriction" CHECK ("age" >= 25);
        
