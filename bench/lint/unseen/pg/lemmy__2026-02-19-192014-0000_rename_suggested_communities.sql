-- source: github:LemmyNet/lemmy@439734dd638a migrations/2026-02-19-192014-0000_rename_suggested_communities/up.sql
ALTER TABLE local_site RENAME COLUMN suggested_communities TO suggested_multi_community_id;

