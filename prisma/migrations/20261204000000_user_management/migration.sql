-- User management by admins: creating an account, changing its name, role or active flag,
-- and resetting its password are audited.
ALTER TYPE "AuditAction" ADD VALUE 'user_created';
ALTER TYPE "AuditAction" ADD VALUE 'user_updated';
ALTER TYPE "AuditAction" ADD VALUE 'user_deactivated';
ALTER TYPE "AuditAction" ADD VALUE 'password_reset';
