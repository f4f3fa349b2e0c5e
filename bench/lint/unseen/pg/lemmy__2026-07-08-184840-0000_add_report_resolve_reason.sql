-- source: github:LemmyNet/lemmy@439734dd638a migrations/2026-07-08-184840-0000_add_report_resolve_reason/up.sql
ALTER TABLE post_report
    ADD COLUMN resolve_reason text;

ALTER TABLE comment_report
    ADD COLUMN resolve_reason text;

ALTER TABLE community_report
    ADD COLUMN resolve_reason text;

ALTER TABLE private_message_report
    ADD COLUMN resolve_reason text;

