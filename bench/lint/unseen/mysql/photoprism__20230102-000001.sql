-- source: github:photoprism/photoprism@382ffa89927f internal/entity/migrate/mysql/20230102-000001.sql
ALTER TABLE albums MODIFY IF EXISTS album_path VARCHAR(1024);