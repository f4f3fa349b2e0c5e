-- source: github:LemmyNet/lemmy@439734dd638a migrations/2026-06-02-122008-0000_follow-accept-id/up.sql
ALTER TABLE community_actions
    ADD COLUMN follow_activity_id text;

