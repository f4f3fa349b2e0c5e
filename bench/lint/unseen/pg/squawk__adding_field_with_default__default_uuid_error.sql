-- source: github:sbdchd/squawk@5125ddf5ad42 crates/squawk_linter/src/rules/adding_field_with_default.rs (test default_uuid_error: squawk says err)
ALTER TABLE "core_recipe" ADD COLUMN "foo" integer DEFAULT uuid();
        
