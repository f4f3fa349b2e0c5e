-- source: github:rust-lang/crates.io@57fa000662f5 migrations/2026-06-18-084149-0000_drop_users_gh_avatar/up.sql
-- safety-assured:start
-- The column is no longer read or written. Avatars are stored in `oauth_github.avatar`.
ALTER TABLE users DROP COLUMN gh_avatar;
-- safety-assured:end
