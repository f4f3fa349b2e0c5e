-- source: github:sbdchd/squawk@5125ddf5ad42 crates/squawk_linter/src/rules/ban_drop_column.rs (test err: squawk says err)
ALTER TABLE "bar_tbl" DROP COLUMN "foo_col" CASCADE;
        
