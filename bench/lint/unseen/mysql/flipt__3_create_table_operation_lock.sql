-- source: github:flipt-io/flipt@c9f57d826872 config/migrations/mysql/3_create_table_operation_lock.up.sql
CREATE TABLE IF NOT EXISTS operation_lock (
  operation VARCHAR(255) UNIQUE NOT NULL,
  version INTEGER DEFAULT 0 NOT NULL,
  last_acquired_at TIMESTAMP(6) DEFAULT CURRENT_TIMESTAMP(6),
  acquired_until TIMESTAMP(6) DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (`operation`)
);
