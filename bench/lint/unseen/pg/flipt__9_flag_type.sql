-- source: github:flipt-io/flipt@c9f57d826872 config/migrations/postgres/9_flag_type.up.sql
ALTER TABLE flags ADD COLUMN type INTEGER DEFAULT 0 NOT NULL;