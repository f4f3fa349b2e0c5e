-- source: github:umami-software/umami@fa2c915fe155 db/mysql/migrations/12_update_report_parameter/migration.sql
-- AlterTable
ALTER TABLE `report` MODIFY `parameters` JSON NOT NULL;
