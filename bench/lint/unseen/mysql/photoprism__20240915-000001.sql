-- source: github:photoprism/photoprism@382ffa89927f internal/entity/migrate/mysql/20240915-000001.sql
ALTER TABLE photos MODIFY photo_lat DOUBLE;
ALTER TABLE photos MODIFY photo_lng DOUBLE;