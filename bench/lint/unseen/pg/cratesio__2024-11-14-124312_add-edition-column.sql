-- source: github:rust-lang/crates.io@57fa000662f5 migrations/2024-11-14-124312_add-edition-column/up.sql
alter table versions
    add column edition text;

comment on column versions.edition is 'The declared Rust Edition required to compile this version of the crate.';
