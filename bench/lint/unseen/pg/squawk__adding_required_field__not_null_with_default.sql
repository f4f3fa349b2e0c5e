-- source: github:sbdchd/squawk@5125ddf5ad42 crates/squawk_linter/src/rules/adding_required_field.rs (test not_null_with_default: squawk says ok)
ALTER TABLE "recipe" ADD COLUMN "public" boolean NOT NULL DEFAULT true;
  
