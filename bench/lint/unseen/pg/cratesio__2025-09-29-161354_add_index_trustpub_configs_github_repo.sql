-- source: github:rust-lang/crates.io@57fa000662f5 migrations/2025-09-29-161354_add_index_trustpub_configs_github_repo/up.sql
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_trustpub_configs_github_repo
ON trustpub_configs_github (LOWER(repository_owner), LOWER(repository_name));
