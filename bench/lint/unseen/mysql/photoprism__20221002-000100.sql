-- source: github:photoprism/photoprism@382ffa89927f internal/entity/migrate/mysql/20221002-000100.sql
ALTER TABLE links DROP COLUMN IF EXISTS can_edit;
ALTER TABLE links DROP COLUMN IF EXISTS can_comment;