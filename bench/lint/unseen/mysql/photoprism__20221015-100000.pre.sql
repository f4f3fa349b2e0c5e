-- source: github:photoprism/photoprism@382ffa89927f internal/entity/migrate/mysql/20221015-100000.pre.sql
RENAME TABLE IF EXISTS `accounts` TO `services`;