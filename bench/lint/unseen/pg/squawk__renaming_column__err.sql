-- source: github:sbdchd/squawk@5125ddf5ad42 crates/squawk_linter/src/rules/renaming_column.rs (test err: squawk says err)
ALTER TABLE "table_name" RENAME COLUMN "column_name" TO "new_column_name";
        
