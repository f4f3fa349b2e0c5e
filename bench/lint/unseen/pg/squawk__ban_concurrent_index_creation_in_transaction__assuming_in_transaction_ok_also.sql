-- source: github:sbdchd/squawk@5125ddf5ad42 crates/squawk_linter/src/rules/ban_concurrent_index_creation_in_transaction.rs (test assuming_in_transaction_ok_also: squawk says ok, settings tx)
  -- the following will work too
  COMMIT;
  CREATE UNIQUE INDEX CONCURRENTLY "field_name_idx" ON "table_name" ("field_name");
  BEGIN;
  ALTER TABLE "table_name" ADD CONSTRAINT "field_name_id" UNIQUE USING INDEX "field_name_idx";
    
