-- source: github:ory/kratos@b86338da04a0 persistence/sql/migrations/sql/20260327101213000000_add_break_glass_to_recovery_addresses.mysql.up.sql
ALTER TABLE identity_recovery_addresses ADD COLUMN break_glass_for_organization CHAR(36);
