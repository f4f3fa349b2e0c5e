-- source: github:ory/kratos@b86338da04a0 persistence/sql/migrations/sql/20260413000000000000_make_verification_token_address_nullable.mysql.up.sql
ALTER TABLE identity_verification_tokens MODIFY identity_verifiable_address_id CHAR(36) NULL DEFAULT NULL;
