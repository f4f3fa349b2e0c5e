-- source: github:photoprism/photoprism@382ffa89927f internal/entity/migrate/mysql/20220329-050000.sql
ALTER TABLE photos MODIFY photo_description VARCHAR(4096);
