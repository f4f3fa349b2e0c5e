-- source: github:sbdchd/squawk@5125ddf5ad42 crates/squawk_linter/src/rules/adding_required_field.rs (test nullable_ok: squawk says ok)
ALTER TABLE "recipe" ADD COLUMN "public" boolean;
  
