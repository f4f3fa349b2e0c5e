-- source: github:ory/kratos@b86338da04a0 persistence/sql/migrations/sql/20260506000000000000_add_internal_context_to_recovery_verification_flows.mysql.up.sql
ALTER TABLE `selfservice_recovery_flows` ADD COLUMN `internal_context` JSON;
ALTER TABLE `selfservice_verification_flows` ADD COLUMN `internal_context` JSON;
