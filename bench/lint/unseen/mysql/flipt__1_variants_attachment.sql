-- source: github:flipt-io/flipt@c9f57d826872 config/migrations/mysql/1_variants_attachment.up.sql
ALTER TABLE variants ADD COLUMN attachment JSON AFTER description;
