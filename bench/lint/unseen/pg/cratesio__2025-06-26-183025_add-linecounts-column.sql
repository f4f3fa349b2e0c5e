-- source: github:rust-lang/crates.io@57fa000662f5 migrations/2025-06-26-183025_add-linecounts-column/up.sql
-- Add line count statistics column to versions table
ALTER TABLE versions
ADD COLUMN linecounts JSONB DEFAULT NULL;

-- Add comment explaining the column
COMMENT ON COLUMN versions.linecounts IS 'Source Lines of Code statistics for this version, stored as JSON with language breakdown and totals.';
