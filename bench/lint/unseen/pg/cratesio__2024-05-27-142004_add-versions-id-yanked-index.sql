-- source: github:rust-lang/crates.io@57fa000662f5 migrations/2024-05-27-142004_add-versions-id-yanked-index/up.sql
create index concurrently if not exists versions_id_yanked_idx
    on versions (id) WHERE yanked;
