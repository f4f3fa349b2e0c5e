-- source: github:sbdchd/squawk@5125ddf5ad42 crates/squawk_linter/src/rules/disallow_unique_constraint.rs (test unique_constraint_inline_add_column_err: squawk says err)
ALTER TABLE foo ADD COLUMN bar text CONSTRAINT foo_bar_unique UNIQUE;
        
