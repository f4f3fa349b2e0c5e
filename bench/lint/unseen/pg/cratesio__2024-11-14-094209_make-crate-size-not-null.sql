-- source: github:rust-lang/crates.io@57fa000662f5 migrations/2024-11-14-094209_make-crate-size-not-null/up.sql
alter table versions
    alter column crate_size set not null;
