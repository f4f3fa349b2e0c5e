-- source: github:photoprism/photoprism@382ffa89927f internal/entity/migrate/mysql/20220521-000001.sql
ALTER TABLE photos MODIFY photo_color SMALLINT DEFAULT -1;