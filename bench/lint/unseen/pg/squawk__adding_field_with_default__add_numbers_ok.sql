-- source: github:sbdchd/squawk@5125ddf5ad42 crates/squawk_linter/src/rules/adding_field_with_default.rs (test add_numbers_ok: squawk says ok)
alter table account_metadata add column blah integer default 2 + 2;
        
