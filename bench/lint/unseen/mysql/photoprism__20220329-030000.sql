-- source: github:photoprism/photoprism@382ffa89927f internal/entity/migrate/mysql/20220329-030000.sql
ALTER TABLE files MODIFY file_projection VARBINARY(64) NULL;
ALTER TABLE files MODIFY file_color_profile VARBINARY(64) NULL;