-- source: github:LemmyNet/lemmy@439734dd638a migrations/2026-01-28-115414-0000_captcha-plugin/up.sql
DROP TABLE captcha_answer;

ALTER TABLE local_site
    DROP COLUMN captcha_enabled;

ALTER TABLE local_site
    DROP COLUMN captcha_difficulty;

