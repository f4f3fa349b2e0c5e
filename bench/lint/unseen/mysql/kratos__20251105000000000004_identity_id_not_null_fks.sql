-- source: github:ory/kratos@b86338da04a0 persistence/sql/migrations/sql/20251105000000000004_identity_id_not_null_fks.mysql.up.sql
CREATE INDEX identity_credential_identifiers_identity_id_fk_idx ON identity_credential_identifiers (identity_id);
CREATE INDEX session_devices_identity_id_fk_idx ON session_devices (identity_id);
