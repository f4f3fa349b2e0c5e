-- source: github:rust-lang/crates.io@57fa000662f5 migrations/2024-06-14-084455_remove-semver-no-prerelease-column/up.sql
alter table versions
    drop column semver_no_prerelease;

drop function to_semver_no_prerelease(text);
