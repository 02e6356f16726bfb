import Image from "next/image";
import type { ReactNode } from "react";

/** The card the signed-out pages (sign-in, password change) sit in, with what goes below it. */
export function AuthCard({
  title,
  subtitle,
  children,
  below,
}: {
  title: string;
  subtitle: string;
  children: ReactNode;
  below: ReactNode;
}) {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center bg-gradient-to-b from-slate-900 to-slate-700 px-4 py-8">
      <div className="w-full max-w-sm rounded-2xl bg-white p-6 shadow-xl sm:p-8">
        <div className="mb-6 flex items-center gap-3">
          <Image src="/logo.svg" alt="" width={40} height={40} priority />
          <div className="min-w-0">
            <h1 className="text-xl font-semibold">{title}</h1>
            <p className="truncate text-sm text-slate-500">{subtitle}</p>
          </div>
        </div>
        {children}
      </div>
      <div className="mt-6 flex items-center gap-4">{below}</div>
    </main>
  );
}
