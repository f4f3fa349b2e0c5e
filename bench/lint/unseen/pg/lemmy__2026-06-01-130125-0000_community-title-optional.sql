-- source: github:LemmyNet/lemmy@439734dd638a migrations/2026-06-01-130125-0000_community-title-optional/up.sql
ALTER TABLE community
    ALTER COLUMN title DROP NOT NULL;

ALTER TABLE community_report
    ALTER COLUMN original_community_title DROP NOT NULL;

