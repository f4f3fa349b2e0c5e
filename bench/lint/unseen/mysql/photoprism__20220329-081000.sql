-- source: github:photoprism/photoprism@382ffa89927f internal/entity/migrate/mysql/20220329-081000.sql
CREATE OR REPLACE UNIQUE INDEX idx_files_search_media ON files (media_id);