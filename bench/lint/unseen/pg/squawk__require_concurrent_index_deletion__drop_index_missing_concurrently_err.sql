-- source: github:sbdchd/squawk@5125ddf5ad42 crates/squawk_linter/src/rules/require_concurrent_index_deletion.rs (test drop_index_missing_concurrently_err: squawk says err)
  -- instead of
  DROP INDEX IF EXISTS "field_name_idx";
        
