-- source: github:LemmyNet/lemmy@439734dd638a migrations/2026-06-03-220228-0000_add_modlog_child_count/up.sql
ALTER TABLE modlog
    ADD COLUMN child_count integer NOT NULL DEFAULT 0;

