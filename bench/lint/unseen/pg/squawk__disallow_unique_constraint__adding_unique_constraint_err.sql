-- source: github:sbdchd/squawk@5125ddf5ad42 crates/squawk_linter/src/rules/disallow_unique_constraint.rs (test adding_unique_constraint_err: squawk says err)
ALTER TABLE table_name ADD CONSTRAINT field_name_constraint UNIQUE (field_name);
        
