-- source: github:LemmyNet/lemmy@439734dd638a migrations/2026-02-01-205644-0000_add_moderator_warn_modlog_kind/up.sql
ALTER TYPE modlog_kind
    ADD VALUE 'ModWarnComment';

ALTER TYPE modlog_kind
    ADD VALUE 'ModWarnPost';

