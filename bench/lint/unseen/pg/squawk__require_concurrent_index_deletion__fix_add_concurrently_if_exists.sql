-- source: github:sbdchd/squawk@5125ddf5ad42 crates/squawk_linter/src/rules/require_concurrent_index_deletion.rs (test fix_add_concurrently_if_exists: squawk says err)
DROP INDEX IF EXISTS "field_name_idx";
