-- source: github:ory/kratos@b86338da04a0 persistence/sql/migrations/sql/20241023142500000001_drop_unused_indices_identity_credentials.mysql.up.sql
CREATE INDEX identity_credentials_nid_idx ON identity_credentials (nid ASC);

DROP INDEX identity_credentials_id_nid_idx ON identity_credentials;
DROP INDEX identity_credentials_nid_id_idx ON identity_credentials;

