-- source: github:photoprism/photoprism@382ffa89927f internal/entity/migrate/mysql/20221015-100100.pre.sql
ALTER IGNORE TABLE files_sync CHANGE account_id service_id INT UNSIGNED NOT NULL;
ALTER IGNORE TABLE files_share CHANGE account_id service_id INT UNSIGNED NOT NULL;