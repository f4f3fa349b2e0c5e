-- source: github:LemmyNet/lemmy@439734dd638a migrations/2026-01-23-140244-0000_rename-tag-to-community-tag/up.sql
ALTER TABLE tag RENAME TO community_tag;

ALTER TABLE post_tag RENAME tag_id TO community_tag_id;

ALTER TABLE post_tag RENAME TO post_community_tag;

