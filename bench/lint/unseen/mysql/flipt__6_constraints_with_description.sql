-- source: github:flipt-io/flipt@c9f57d826872 config/migrations/mysql/6_constraints_with_description.up.sql
-- Add description column to constraints
ALTER TABLE constraints ADD COLUMN description TEXT;