-- source: github:photoprism/photoprism@382ffa89927f internal/entity/migrate/mysql/20220329-061000.sql
CREATE OR REPLACE INDEX idx_files_photo_id ON files (photo_id, file_primary);