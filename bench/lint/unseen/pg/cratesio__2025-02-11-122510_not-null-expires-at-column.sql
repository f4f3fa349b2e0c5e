-- source: github:rust-lang/crates.io@57fa000662f5 migrations/2025-02-11-122510_not-null-expires-at-column/up.sql
alter table crate_owner_invitations alter column expires_at set not null;
