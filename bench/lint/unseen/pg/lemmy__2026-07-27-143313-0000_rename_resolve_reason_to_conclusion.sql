-- source: github:LemmyNet/lemmy@439734dd638a migrations/2026-07-27-143313-0000_rename_resolve_reason_to_conclusion/up.sql
ALTER TABLE post_report RENAME COLUMN resolve_reason TO conclusion;

ALTER TABLE comment_report RENAME COLUMN resolve_reason TO conclusion;

ALTER TABLE community_report RENAME COLUMN resolve_reason TO conclusion;

ALTER TABLE private_message_report RENAME COLUMN resolve_reason TO conclusion;

