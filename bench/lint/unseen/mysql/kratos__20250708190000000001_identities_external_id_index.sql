-- source: github:ory/kratos@b86338da04a0 persistence/sql/migrations/sql/20250708190000000001_identities_external_id_index.mysql.up.sql
CREATE UNIQUE INDEX identities_nid_external_id_idx
    ON identities (nid, external_id);