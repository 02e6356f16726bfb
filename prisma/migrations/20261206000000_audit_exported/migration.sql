-- An admin's CSV export of the audit trail is itself recorded, with the filters it was taken with.
ALTER TYPE "AuditAction" ADD VALUE 'audit_exported';
