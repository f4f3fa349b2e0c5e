-- source: github:photoprism/photoprism@382ffa89927f internal/entity/migrate/mysql/20240701-000001.sql
ALTER TABLE auth_sessions MODIFY IF EXISTS refresh_token VARBINARY(2048);
ALTER TABLE auth_sessions MODIFY IF EXISTS id_token VARBINARY(2048);