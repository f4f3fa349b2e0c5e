-- source: github:rust-lang/crates.io@57fa000662f5 migrations/2026-06-26-100902-0000_versions_num_max_length/up.sql
ALTER TABLE versions
    ADD CONSTRAINT versions_num_max_length
    CHECK (char_length(num) <= 150) NOT VALID;
