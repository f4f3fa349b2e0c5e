-- source: github:rust-lang/crates.io@57fa000662f5 migrations/2025-12-29-110242-0000_add_distribution_to_cloudfront_invalidation_queue/up.sql
ALTER TABLE cloudfront_invalidation_queue
    ADD COLUMN distribution TEXT NOT NULL DEFAULT 'index';

COMMENT ON COLUMN cloudfront_invalidation_queue.distribution IS 'CloudFront distribution to invalidate: "index" for index.crates.io, "static" for static.crates.io';
