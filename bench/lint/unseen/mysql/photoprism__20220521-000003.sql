-- source: github:photoprism/photoprism@382ffa89927f internal/entity/migrate/mysql/20220521-000003.sql
ALTER TABLE files MODIFY file_chroma SMALLINT DEFAULT -1;