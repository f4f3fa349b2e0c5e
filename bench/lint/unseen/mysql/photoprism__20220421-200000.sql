-- source: github:photoprism/photoprism@382ffa89927f internal/entity/migrate/mysql/20220421-200000.sql
CREATE OR REPLACE INDEX idx_files_missing_root ON files (file_missing, file_root);