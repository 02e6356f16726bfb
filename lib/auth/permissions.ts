// The role table, as data (docs/product.md lists it). Server guards, the routes' declared
// permissions and the UI's disabled states all read it, so a button can never promise what
// the server refuses.
import type { Role } from "../generated/prisma/enums";

export type { Role };

export type Action =
  | "datasets.view"
  | "export.any" // export any dataset, every format
  | "export.own" // export the datasets one owns
  | "export.sensitive" // include sensitive columns unredacted
  | "history.all" // everyone's export history
  | "history.own"
  | "exports.manage.any" // download / delete anyone's export
  | "exports.manage.own"
  | "datasets.create" // upload a file as a new dataset (the uploader owns it)
  | "datasets.manage.any" // edit, import into, delete any dataset; transfer its ownership
  | "datasets.manage.own" // edit, import into, delete the datasets one owns
  | "audit.view"
  | "users.manage"
  | "tokens.own" // create, list and revoke one's own personal access tokens
  | "tokens.any" // see and revoke anyone's
  | "schedules.own" // schedule exports of the datasets one may export
  | "schedules.any"; // see and change anyone's schedules

export const PERMISSIONS: Readonly<Record<Action, readonly Role[]>> = {
  "datasets.view": ["admin", "manager", "viewer"],
  "export.any": ["admin"],
  "export.own": ["admin", "manager"],
  "export.sensitive": ["admin"],
  "history.all": ["admin"],
  "history.own": ["admin", "manager", "viewer"],
  "exports.manage.any": ["admin"],
  "exports.manage.own": ["admin", "manager"],
  "datasets.create": ["admin", "manager"],
  "datasets.manage.any": ["admin"],
  "datasets.manage.own": ["admin", "manager"],
  "audit.view": ["admin"],
  "users.manage": ["admin"],
  "tokens.own": ["admin", "manager", "viewer"],
  "tokens.any": ["admin"],
  "schedules.own": ["admin", "manager"],
  "schedules.any": ["admin"],
};

export type Actor = { id: number; role: Role };

export function can(actor: Actor | null | undefined, action: Action): boolean {
  return !!actor && PERMISSIONS[action].includes(actor.role);
}

/** Why an export is refused; the UI turns the reason into its message. */
export type ExportDenial = "signed_out" | "role" | "not_owner";

export function exportDenial(actor: Actor | null | undefined, dataset: { ownerId: number }): ExportDenial | null {
  if (!actor) return "signed_out";
  if (can(actor, "export.any")) return null;
  if (!can(actor, "export.own")) return "role";
  return dataset.ownerId === actor.id ? null : "not_owner";
}

export function canExport(actor: Actor | null | undefined, dataset: { ownerId: number }): boolean {
  return exportDenial(actor, dataset) === null;
}

/** Whether an export by this actor may carry sensitive columns unredacted. */
export function canSeeSensitive(actor: Actor | null | undefined): boolean {
  return can(actor, "export.sensitive");
}

/**
 * The one rule of who may see a column's values, wherever they would show: the preview,
 * the dataset page's charts, a report's statistics and charts, an export's cells, the
 * echo of a filter. Anyone may see an ordinary column's; a sensitive column's only those
 * who may see sensitive data (an export also needs them to ask, `include_sensitive`).
 */
export function canSeeColumnValues(actor: Actor | null | undefined, column: { sensitive: boolean }): boolean {
  return !column.sensitive || canSeeSensitive(actor);
}

/** Whether an actor may see an export job: its status and its row in the history. */
export function canSeeExport(actor: Actor | null | undefined, job: { userId: number }): boolean {
  if (!actor) return false;
  if (job.userId === actor.id) return can(actor, "history.own");
  return can(actor, "history.all");
}

/** Whether an actor may download, delete, cancel or retry an export job. */
export function canManageExport(actor: Actor | null | undefined, job: { userId: number }): boolean {
  if (!actor) return false;
  if (job.userId === actor.id) return can(actor, "exports.manage.own");
  return can(actor, "exports.manage.any");
}

/** Whether an actor may change a dataset: edit it, import into it, delete it. */
export function canManageDataset(actor: Actor | null | undefined, dataset: { ownerId: number }): boolean {
  if (!actor) return false;
  if (dataset.ownerId === actor.id) return can(actor, "datasets.manage.own");
  return can(actor, "datasets.manage.any");
}

/** Whether an actor may see, change, run or delete a schedule (one of their own; an admin's: any). */
export function canManageSchedule(actor: Actor | null | undefined, schedule: { ownerId: number }): boolean {
  if (!actor) return false;
  if (schedule.ownerId === actor.id) return can(actor, "schedules.own");
  return can(actor, "schedules.any");
}
