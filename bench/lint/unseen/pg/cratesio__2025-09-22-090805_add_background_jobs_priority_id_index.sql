-- source: github:rust-lang/crates.io@57fa000662f5 migrations/2025-09-22-090805_add_background_jobs_priority_id_index/up.sql
CREATE INDEX CONCURRENTLY background_jobs_priority_id_index
    ON background_jobs (priority DESC, id ASC);
