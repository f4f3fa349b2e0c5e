-- source: github:LemmyNet/lemmy@439734dd638a migrations/2026-02-19-120000-0000_add_bulk_to_modlog/up.sql
ALTER TABLE modlog
    ADD COLUMN bulk_action_parent_id int REFERENCES modlog (id) ON UPDATE CASCADE ON DELETE CASCADE;

CREATE INDEX idx_modlog_bulk_action_parent_id ON modlog (bulk_action_parent_id);

