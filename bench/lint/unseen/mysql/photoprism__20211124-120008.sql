-- source: github:photoprism/photoprism@382ffa89927f internal/entity/migrate/mysql/20211124-120008.sql
DROP INDEX IF EXISTS idx_places_place_label ON places;
DROP INDEX IF EXISTS uix_places_label ON places;