-- source: github:rust-lang/crates.io@57fa000662f5 migrations/2026-05-27-130000-0000_drop_semver_ord/up.sql
drop trigger if exists trigger_set_semver_ord on versions;
drop function if exists set_semver_ord();
-- safety-assured:start
-- The column is no longer used.
alter table versions drop column if exists semver_ord;
-- safety-assured:end
drop function if exists semver_ord(varchar);
