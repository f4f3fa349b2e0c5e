-- source: github:photoprism/photoprism@382ffa89927f internal/entity/migrate/mysql/20220329-091000.sql
CREATE OR REPLACE UNIQUE INDEX idx_files_search_timeline ON files (time_index);