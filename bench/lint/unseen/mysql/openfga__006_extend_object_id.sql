-- source: github:openfga/openfga@da9354f7e670 assets/migrations/mysql/006_extend_object_id.sql
-- +goose Up
ALTER TABLE tuple MODIFY COLUMN object_id VARCHAR(255);

-- +goose Down
ALTER TABLE tuple MODIFY COLUMN object_id VARCHAR(128);