-- source: github:rust-lang/crates.io@57fa000662f5 migrations/2025-07-16-123330_add_gh_encrypted_token/up.sql
alter table users
    add column gh_encrypted_token bytea;

comment on column users.gh_encrypted_token is 'Encrypted GitHub access token';
