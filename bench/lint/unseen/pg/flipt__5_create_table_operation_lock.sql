-- source: github:flipt-io/flipt@c9f57d826872 config/migrations/postgres/5_create_table_operation_lock.up.sql
CREATE TABLE IF NOT EXISTS operation_lock (
  operation VARCHAR(255) PRIMARY KEY UNIQUE NOT NULL,
  version INTEGER DEFAULT 0 NOT NULL,
  last_acquired_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  acquired_until TIMESTAMP DEFAULT CURRENT_TIMESTAMP
);
