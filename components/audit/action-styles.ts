// The colour of each audit action's badge: one entry per action, so a new action without
// its colour fails to compile.
import type { AuditAction } from "@/lib/generated/prisma/enums";

const NEUTRAL = "bg-slate-100 text-slate-700";
const GOOD = "bg-green-100 text-green-800";
const BAD = "bg-red-100 text-red-800";
const NOTE = "bg-sky-100 text-sky-900";
const WARN = "bg-amber-100 text-amber-900";

export const ACTION_STYLES: Record<AuditAction, string> = {
  export_requested: NEUTRAL,
  export_completed: GOOD,
  export_failed: BAD,
  export_cancelled: NEUTRAL,
  export_downloaded: NOTE,
  export_deleted: NEUTRAL,
  export_denied: BAD,
  login_succeeded: GOOD,
  login_failed: WARN,
  integrity_failure: BAD,
  retention_purge: NEUTRAL,
  password_changed: NOTE,
  row_value_dropped: WARN,
  dataset_created: GOOD,
  dataset_imported: GOOD,
  dataset_updated: NOTE,
  dataset_deleted: NEUTRAL,
  dataset_import_failed: BAD,
  token_created: GOOD,
  token_revoked: NEUTRAL,
  user_created: GOOD,
  user_updated: NOTE,
  user_deactivated: NEUTRAL,
  password_reset: NOTE,
  audit_exported: NOTE,
  schedule_created: GOOD,
  schedule_updated: NOTE,
  schedule_deleted: NEUTRAL,
  schedule_run: NOTE,
  schedule_paused: WARN,
};
