-- source: github:ory/kratos@b86338da04a0 persistence/sql/migrations/sql/20230907085000000000_add_organization_id.mysql.up.sql
alter table selfservice_login_flows add column organization_id char(36) null;
alter table selfservice_registration_flows add column organization_id char(36) null;
alter table identities add column organization_id char(36) null;
