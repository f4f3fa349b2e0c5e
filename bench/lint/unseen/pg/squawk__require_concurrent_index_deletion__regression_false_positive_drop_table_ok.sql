-- source: github:sbdchd/squawk@5125ddf5ad42 crates/squawk_linter/src/rules/require_concurrent_index_deletion.rs (test regression_false_positive_drop_table_ok: squawk says ok)
DROP TABLE IF EXISTS some_table;
        
