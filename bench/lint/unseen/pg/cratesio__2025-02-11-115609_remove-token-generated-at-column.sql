-- source: github:rust-lang/crates.io@57fa000662f5 migrations/2025-02-11-115609_remove-token-generated-at-column/up.sql
DROP TRIGGER trigger_crate_owner_invitations_set_token_generated_at ON crate_owner_invitations;
DROP FUNCTION crate_owner_invitations_set_token_generated_at();
ALTER TABLE crate_owner_invitations DROP COLUMN token_generated_at;
