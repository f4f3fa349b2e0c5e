-- source: github:rust-lang/crates.io@57fa000662f5 migrations/2026-05-27-120000_add_username_to_users/up.sql
ALTER TABLE users ADD COLUMN IF NOT EXISTS username VARCHAR;
COMMENT ON COLUMN users.username IS 'Username associated with the user''s crates.io account, independent of linked OAuth usernames.';
