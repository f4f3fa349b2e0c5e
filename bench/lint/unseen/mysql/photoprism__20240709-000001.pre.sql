-- source: github:photoprism/photoprism@382ffa89927f internal/entity/migrate/mysql/20240709-000001.pre.sql
ALTER IGNORE TABLE auth_sessions RENAME COLUMN auth_domain TO auth_issuer;