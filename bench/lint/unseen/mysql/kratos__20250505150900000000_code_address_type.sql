-- source: github:ory/kratos@b86338da04a0 persistence/sql/migrations/sql/20250505150900000000_code_address_type.mysql.up.sql
ALTER TABLE identity_login_codes MODIFY address_type VARCHAR(36);
ALTER TABLE identity_registration_codes MODIFY address_type VARCHAR(36);
