-- source: github:LemmyNet/lemmy@439734dd638a migrations/2026-01-19-122321-0000_add_community_tag_color/up.sql
-- creates a new tag color enum
CREATE TYPE tag_color_enum AS ENUM (
    'color01',
    'color02',
    'color03',
    'color04',
    'color05',
    'color06',
    'color07',
    'color08',
    'color09',
    'color10'
);

ALTER TABLE tag
    ADD COLUMN color tag_color_enum DEFAULT 'color01' NOT NULL;

