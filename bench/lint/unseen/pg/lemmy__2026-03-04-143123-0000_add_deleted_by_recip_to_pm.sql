-- source: github:LemmyNet/lemmy@439734dd638a migrations/2026-03-04-143123-0000_add_deleted_by_recip_to_pm/up.sql
ALTER TABLE private_message
    ADD COLUMN deleted_by_recipient boolean NOT NULL DEFAULT FALSE;

