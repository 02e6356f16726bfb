-- Each user's language, chosen on the account page or with the top bar's switch: what
-- anything written for them outside a page (an e-mail, a scheduled report) is written in.
-- An enum rather than a CHECK: the database refuses any other value, and Prisma's
-- introspection (the migrations test) reads it.
CREATE TYPE "Locale" AS ENUM ('en', 'ko');
ALTER TABLE "users" ADD COLUMN "locale" "Locale" NOT NULL DEFAULT 'en';
