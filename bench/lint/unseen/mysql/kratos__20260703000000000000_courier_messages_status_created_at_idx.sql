-- source: github:ory/kratos@b86338da04a0 persistence/sql/migrations/sql/20260703000000000000_courier_messages_status_created_at_idx.mysql.up.sql
CREATE INDEX courier_messages_status_created_at_idx ON courier_messages (status ASC, created_at ASC);
