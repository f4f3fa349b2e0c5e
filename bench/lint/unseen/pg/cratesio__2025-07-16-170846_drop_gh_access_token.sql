-- source: github:rust-lang/crates.io@57fa000662f5 migrations/2025-07-16-170846_drop_gh_access_token/up.sql
ALTER TABLE users DROP COLUMN gh_access_token;
