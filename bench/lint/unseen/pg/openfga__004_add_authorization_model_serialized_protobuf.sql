-- source: github:openfga/openfga@da9354f7e670 assets/migrations/postgres/004_add_authorization_model_serialized_protobuf.sql
-- +goose Up
ALTER TABLE authorization_model ADD COLUMN serialized_protobuf BYTEA;

-- +goose Down
ALTER TABLE authorization_model DROP COLUMN serialized_protobuf;
