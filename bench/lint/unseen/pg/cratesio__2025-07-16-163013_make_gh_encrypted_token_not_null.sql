-- source: github:rust-lang/crates.io@57fa000662f5 migrations/2025-07-16-163013_make_gh_encrypted_token_not_null/up.sql
ALTER TABLE users ALTER COLUMN gh_encrypted_token SET NOT NULL;
