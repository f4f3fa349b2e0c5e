-- source: github:photoprism/photoprism@382ffa89927f internal/entity/migrate/mysql/20220329-071000.sql
UPDATE files f JOIN photos p ON p.id = f.photo_id SET f.photo_taken_at = p.taken_at_local;