-- source: github:rust-lang/crates.io@57fa000662f5 migrations/2024-10-25-112826_make-unique-version-unique/up.sql
create unique index concurrently if not exists versions_crate_id_num_no_build_uindex
    on versions (crate_id, num_no_build);
