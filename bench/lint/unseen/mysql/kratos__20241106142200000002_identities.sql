-- source: github:ory/kratos@b86338da04a0 persistence/sql/migrations/sql/20241106142200000002_identities.mysql.up.sql
CREATE INDEX identity_credential_identifiers_ici_nid_i_idx
  ON identity_credential_identifiers (identity_credential_id ASC, nid ASC, identifier ASC);
