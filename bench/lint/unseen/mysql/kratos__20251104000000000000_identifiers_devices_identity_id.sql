-- source: github:ory/kratos@b86338da04a0 persistence/sql/migrations/sql/20251104000000000000_identifiers_devices_identity_id.mysql.up.sql
ALTER TABLE identity_credential_identifiers ADD COLUMN identity_id char(36) NULL;
ALTER TABLE session_devices ADD COLUMN identity_id char(36) NULL;
