-- source: github:ory/kratos@b86338da04a0 persistence/sql/migrations/sql/20251105000000000003_identity_id_not_null_fks.mysql.up.sql
ALTER TABLE identity_credential_identifiers
    MODIFY identity_id char(36) NOT NULL,
    ADD CONSTRAINT `identity_credential_identifiers_identity_id_fk` FOREIGN KEY (identity_id) REFERENCES identities (id) ON UPDATE RESTRICT ON DELETE CASCADE;

ALTER TABLE session_devices
    MODIFY identity_id char(36) NOT NULL,
    ADD CONSTRAINT `session_devices_identity_id_fk` FOREIGN KEY (identity_id) REFERENCES identities (id) ON UPDATE RESTRICT ON DELETE CASCADE;
