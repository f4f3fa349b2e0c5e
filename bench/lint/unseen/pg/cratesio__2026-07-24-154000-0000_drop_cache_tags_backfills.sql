-- source: github:rust-lang/crates.io@57fa000662f5 migrations/2026-07-24-154000-0000_drop_cache_tags_backfills/up.sql
-- safety-assured:start
DROP TABLE IF EXISTS cache_tags_backfills RESTRICT;
-- safety-assured:end
