-- source: github:flipt-io/flipt@c9f57d826872 config/migrations/postgres/2_segments_match_type.up.sql
ALTER TABLE segments ADD COLUMN match_type INTEGER DEFAULT 0 NOT NULL;
