-- source: github:photoprism/photoprism@382ffa89927f internal/entity/migrate/mysql/20220329-090000.sql
ALTER TABLE files MODIFY IF EXISTS time_index VARBINARY(64) AFTER photo_taken_at;
ALTER TABLE files ADD IF NOT EXISTS time_index VARBINARY(64) AFTER photo_taken_at;