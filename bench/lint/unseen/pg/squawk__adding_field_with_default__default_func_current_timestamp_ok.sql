-- source: github:sbdchd/squawk@5125ddf5ad42 crates/squawk_linter/src/rules/adding_field_with_default.rs (test default_func_current_timestamp_ok: squawk says ok)
alter table t add column c timestamptz default current_timestamp;
        
