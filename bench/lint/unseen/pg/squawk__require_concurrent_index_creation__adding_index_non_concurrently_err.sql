-- source: github:sbdchd/squawk@5125ddf5ad42 crates/squawk_linter/src/rules/require_concurrent_index_creation.rs (test adding_index_non_concurrently_err: squawk says err)
-- instead of
CREATE INDEX "field_name_idx" ON "table_name" ("field_name");
        
