-- source: github:sbdchd/squawk@5125ddf5ad42 crates/squawk_linter/src/rules/renaming_table.rs (test err: squawk says err)
ALTER TABLE "table_name" RENAME TO "new_table_name";
        
