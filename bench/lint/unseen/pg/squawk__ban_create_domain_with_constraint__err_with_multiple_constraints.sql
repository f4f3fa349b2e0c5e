-- source: github:sbdchd/squawk@5125ddf5ad42 crates/squawk_linter/src/rules/ban_create_domain_with_constraint.rs (test err_with_multiple_constraints: squawk says err)
create domain d as t check (value > 0) not null;
        
