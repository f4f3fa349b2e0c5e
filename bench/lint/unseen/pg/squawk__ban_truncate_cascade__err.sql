-- source: github:sbdchd/squawk@5125ddf5ad42 crates/squawk_linter/src/rules/ban_truncate_cascade.rs (test err: squawk says err)
        truncate a, b, c cascade;
        
