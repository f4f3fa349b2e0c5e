-- source: github:photoprism/photoprism@382ffa89927f internal/entity/migrate/mysql/20211121-094727.sql
DROP INDEX IF EXISTS uix_places_place_label ON places;