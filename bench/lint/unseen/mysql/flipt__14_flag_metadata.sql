-- source: github:flipt-io/flipt@c9f57d826872 config/migrations/mysql/14_flag_metadata.up.sql
ALTER TABLE flags ADD COLUMN metadata JSON AFTER enabled;
