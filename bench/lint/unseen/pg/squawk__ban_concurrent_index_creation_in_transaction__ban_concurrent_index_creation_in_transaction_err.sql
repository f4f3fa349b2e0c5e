-- source: github:sbdchd/squawk@5125ddf5ad42 crates/squawk_linter/src/rules/ban_concurrent_index_creation_in_transaction.rs (test ban_concurrent_index_creation_in_transaction_err: squawk says err)
        -- instead of
        BEGIN;
        CREATE INDEX CONCURRENTLY "field_name_idx" ON "table_name" ("field_name");
        COMMIT;
        
