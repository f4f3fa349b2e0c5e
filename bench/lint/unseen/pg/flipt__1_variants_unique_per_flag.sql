-- source: github:flipt-io/flipt@c9f57d826872 config/migrations/postgres/1_variants_unique_per_flag.up.sql
ALTER TABLE variants DROP CONSTRAINT IF EXISTS variants_key_key;
ALTER TABLE variants ADD UNIQUE(flag_key, key);
