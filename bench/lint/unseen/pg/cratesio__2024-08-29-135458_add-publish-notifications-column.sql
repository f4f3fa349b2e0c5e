-- source: github:rust-lang/crates.io@57fa000662f5 migrations/2024-08-29-135458_add-publish-notifications-column/up.sql
alter table users
    add column publish_notifications boolean not null default true;

comment on column users.publish_notifications is 'Whether or not the user wants to receive notifications when a package they own is published';
