-- source: github:rust-lang/crates.io@57fa000662f5 migrations/2026-07-30-140000-0000_add_users_username_index/up.sql
CREATE INDEX CONCURRENTLY IF NOT EXISTS index_users_canon_username
ON users (canon_username(username))
