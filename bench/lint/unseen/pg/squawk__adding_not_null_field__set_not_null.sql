-- source: github:sbdchd/squawk@5125ddf5ad42 crates/squawk_linter/src/rules/adding_not_null_field.rs (test set_not_null: squawk says err)
ALTER TABLE "core_recipe" ALTER COLUMN "foo" SET NOT NULL;
        
