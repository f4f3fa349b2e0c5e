-- source: github:rust-lang/crates.io@57fa000662f5 migrations/2025-11-19-091444-0000_add_trustpub_only_to_crates/up.sql
ALTER TABLE crates ADD COLUMN trustpub_only BOOLEAN NOT NULL DEFAULT FALSE;
COMMENT ON COLUMN crates.trustpub_only IS 'When true, this crate can only be published via Trusted Publishing, not with API tokens';
