-- source: github:openfga/openfga@da9354f7e670 assets/migrations/postgres/003_add_reverse_lookup_index.sql
-- +goose Up
CREATE INDEX idx_reverse_lookup_user on tuple (store, object_type, relation, _user);

-- +goose Down
DROP INDEX IF EXISTS idx_reverse_lookup_user ;