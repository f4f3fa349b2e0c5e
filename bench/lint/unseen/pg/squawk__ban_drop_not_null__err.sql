-- source: github:sbdchd/squawk@5125ddf5ad42 crates/squawk_linter/src/rules/ban_drop_not_null.rs (test err: squawk says err)
ALTER TABLE "bar_tbl" ALTER COLUMN "foo_col" DROP NOT NULL;
        
