-- source: github:sbdchd/squawk@5125ddf5ad42 crates/squawk_linter/src/rules/ban_truncate_cascade.rs (test ok: squawk says ok)
        truncate a, b, c;
        truncate a;
        
