-- source: github:photoprism/photoprism@382ffa89927f internal/entity/migrate/mysql/20230211-000001.sql
ALTER TABLE files MODIFY IF EXISTS file_colors VARBINARY(18);
ALTER TABLE files MODIFY IF EXISTS File_luminance VARBINARY(18);