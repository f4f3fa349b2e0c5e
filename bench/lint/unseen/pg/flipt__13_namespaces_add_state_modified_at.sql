-- source: github:flipt-io/flipt@c9f57d826872 config/migrations/postgres/13_namespaces_add_state_modified_at.up.sql
ALTER TABLE namespaces ADD COLUMN state_modified_at TIMESTAMP;
