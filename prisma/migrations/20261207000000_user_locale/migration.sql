-- Each user's language, chosen on the account page or with the top bar's switch: what
-- anything written for them outside a page (an e-mail, a scheduled report) is written in.
ALTER TABLE "users" ADD COLUMN "locale" VARCHAR(8) NOT NULL DEFAULT 'en';
ALTER TABLE "users" ADD CONSTRAINT "users_locale_check" CHECK ("locale" IN ('en', 'ko'));
