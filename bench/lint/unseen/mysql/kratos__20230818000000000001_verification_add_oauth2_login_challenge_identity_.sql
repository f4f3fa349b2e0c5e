-- source: github:ory/kratos@b86338da04a0 persistence/sql/migrations/sql/20230818000000000001_verification_add_oauth2_login_challenge_identity_id.mysql.up.sql
ALTER TABLE selfservice_verification_flows ADD COLUMN session_id VARCHAR(36);
