-- source: github:ory/kratos@b86338da04a0 persistence/sql/migrations/sql/20260616000000000000_courier_messages_restore_list_index.mysql.up.sql
CREATE INDEX courier_messages_nid_created_at_id_idx ON courier_messages (nid ASC, created_at DESC, id ASC);
