-- source: github:sbdchd/squawk@5125ddf5ad42 crates/squawk_linter/src/rules/require_concurrent_index_creation.rs (test adding_index_concurrently_ok: squawk says ok)
-- use CONCURRENTLY
CREATE INDEX CONCURRENTLY "field_name_idx" ON "table_name" ("field_name");
        
