-- source: github:sbdchd/squawk@5125ddf5ad42 crates/squawk_linter/src/rules/disallow_unique_constraint.rs (test ok: squawk says ok)
ALTER TABLE table_name DROP CONSTRAINT field_name_constraint;
        
