-- source: github:rust-lang/crates.io@57fa000662f5 migrations/2025-02-11-122509_add-expires-at-column/up.sql
alter table crate_owner_invitations add column expires_at timestamptz;

comment on column crate_owner_invitations.expires_at is 'Point in time at which the invitation expires/expired.'

-- to be performed manually after the migration:
--
-- update table crate_owner_invitations set expires_at = now() + interval '30 day';
