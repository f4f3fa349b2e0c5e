-- source: github:photoprism/photoprism@382ffa89927f internal/entity/migrate/mysql/20220329-070000.sql
ALTER TABLE files MODIFY COLUMN IF EXISTS photo_taken_at DATETIME AFTER photo_uid;
ALTER TABLE files ADD COLUMN IF NOT EXISTS photo_taken_at DATETIME AFTER photo_uid;