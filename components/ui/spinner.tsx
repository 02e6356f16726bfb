export function Spinner({ label, className = "" }: { label: string; className?: string }) {
  return (
    <span
      role="status"
      aria-live="polite"
      className={`inline-flex items-center gap-2 text-sm text-slate-600 ${className}`}
    >
      <span aria-hidden className="size-4 animate-spin rounded-full border-2 border-slate-300 border-t-brand-500" />
      <span>{label}</span>
    </span>
  );
}
