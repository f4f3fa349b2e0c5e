-- source: github:photoprism/photoprism@382ffa89927f internal/entity/migrate/mysql/20220521-000002.sql
ALTER TABLE files MODIFY file_diff INTEGER DEFAULT -1;