-- source: github:ory/kratos@b86338da04a0 persistence/sql/migrations/sql/20251215000000000000_courier_messages_add_request_headers.mysql.up.sql
ALTER TABLE courier_messages
    ADD COLUMN request_headers JSON;