-- source: github:photoprism/photoprism@382ffa89927f internal/entity/migrate/mysql/20220927-000100.sql
ALTER TABLE files MODIFY time_index VARBINARY(64);