-- source: github:rust-lang/crates.io@57fa000662f5 migrations/2024-08-17-152408_add-yank-message/up.sql
ALTER TABLE versions ADD COLUMN yank_message TEXT;

COMMENT ON COLUMN versions.yank_message IS 'message associated with a yanked version';
