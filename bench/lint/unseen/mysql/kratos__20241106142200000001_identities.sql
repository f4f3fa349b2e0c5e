-- source: github:ory/kratos@b86338da04a0 persistence/sql/migrations/sql/20241106142200000001_identities.mysql.up.sql
CREATE INDEX identity_credential_identifiers_nid_ici_i_idx
    ON identity_credential_identifiers (nid ASC, identity_credential_id ASC, identifier ASC);
