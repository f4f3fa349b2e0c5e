-- source: github:photoprism/photoprism@382ffa89927f internal/entity/migrate/mysql/20240112-000001.sql
TRUNCATE auth_sessions;