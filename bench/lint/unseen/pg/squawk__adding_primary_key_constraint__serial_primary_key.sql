-- source: github:sbdchd/squawk@5125ddf5ad42 crates/squawk_linter/src/rules/adding_primary_key_constraint.rs (test serial_primary_key: squawk says err)
        ALTER TABLE a ADD COLUMN b SERIAL PRIMARY KEY;
    
