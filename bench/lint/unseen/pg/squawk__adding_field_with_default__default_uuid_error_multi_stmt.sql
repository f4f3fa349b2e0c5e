-- source: github:sbdchd/squawk@5125ddf5ad42 crates/squawk_linter/src/rules/adding_field_with_default.rs (test default_uuid_error_multi_stmt: squawk says err)
alter table t set logged, add column c integer default uuid();
        
