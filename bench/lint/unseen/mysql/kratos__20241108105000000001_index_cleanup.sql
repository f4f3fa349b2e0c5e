-- source: github:ory/kratos@b86338da04a0 persistence/sql/migrations/sql/20241108105000000001_index_cleanup.mysql.up.sql
-- This index is replaced by identity_credential_identifiers_ici_nid_i_idx (included in the previous OEL release)
DROP INDEX identity_credential_identifiers_nid_ici_i_idx ON identity_credential_identifiers;

-- This index is replaced by identity_credential_identifiers_ici_nid_i_idx (included in the previous OEL release)
DROP INDEX identity_credential_identifiers_identity_credential_id_idx ON identity_credential_identifiers;
