-- source: github:sbdchd/squawk@5125ddf5ad42 crates/squawk_linter/src/rules/require_concurrent_index_deletion.rs (test regression_false_positive_drop_type_ok: squawk says ok)
DROP INDEX CONCURRENTLY IF EXISTS "field_name_idx";
        
