-- source: github:flipt-io/flipt@c9f57d826872 config/migrations/postgres/3_variants_attachment.up.sql
ALTER TABLE variants ADD attachment JSONB;
