import type { Role } from "@/lib/auth/permissions";

const STYLES: Record<Role, string> = {
  admin: "bg-amber-100 text-amber-900",
  manager: "bg-sky-100 text-sky-900",
  viewer: "bg-slate-200 text-slate-800",
};

export function RoleBadge({ role, label }: { role: Role; label: string }) {
  return (
    <span
      data-role={role}
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ${STYLES[role]}`}
    >
      {label}
    </span>
  );
}
