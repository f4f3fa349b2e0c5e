-- source: github:rust-lang/crates.io@57fa000662f5 migrations/2024-10-24-134209_make-unique-num-not-null/up.sql
alter table versions
    alter column num_no_build set not null;
