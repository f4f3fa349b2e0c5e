-- source: github:sbdchd/squawk@5125ddf5ad42 crates/squawk_linter/src/rules/ban_alter_domain_with_add_constraint.rs (test err: squawk says err)
     ALTER DOMAIN domain_name ADD CONSTRAINT constraint_name CHECK (value > 0);
        
