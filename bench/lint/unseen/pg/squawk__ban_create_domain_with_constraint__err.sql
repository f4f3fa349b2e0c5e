-- source: github:sbdchd/squawk@5125ddf5ad42 crates/squawk_linter/src/rules/ban_create_domain_with_constraint.rs (test err: squawk says err)
CREATE DOMAIN domain_name_3 AS NUMERIC(15,5) CHECK (value > 0);
        
