-- source: github:rust-lang/crates.io@57fa000662f5 migrations/2026-07-15-182934-0000_drop_users_gh_encrypted_token/up.sql
-- safety-assured:start
-- The column is no longer read or written. Encrypted GitHub tokens are stored in
-- `oauth_github.encrypted_token`.
ALTER TABLE users DROP COLUMN gh_encrypted_token;
-- safety-assured:end
