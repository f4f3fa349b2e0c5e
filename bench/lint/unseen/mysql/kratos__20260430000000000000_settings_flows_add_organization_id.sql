-- source: github:ory/kratos@b86338da04a0 persistence/sql/migrations/sql/20260430000000000000_settings_flows_add_organization_id.mysql.up.sql
alter table selfservice_settings_flows add column organization_id char(36) null;
