-- source: github:LemmyNet/lemmy@439734dd638a migrations/2026-03-02-231448-0000_add_multi_community_sidebar/up.sql
ALTER TABLE multi_community
    ADD COLUMN sidebar text;

