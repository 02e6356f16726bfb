-- An account whose password others may know (generated at first start, or a demo account
-- run off loopback) must change it at its first sign-in, and the change is audited.
ALTER TABLE "users" ADD COLUMN "must_change_password" BOOLEAN NOT NULL DEFAULT false;

ALTER TYPE "AuditAction" ADD VALUE 'password_changed';
