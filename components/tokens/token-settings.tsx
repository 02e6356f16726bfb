"use client";
// The personal access tokens page: a form to create one (name, expiry, scope — a viewer's
// can only read), the new secret shown once with a Copy button, and the list with each
// token's state and a Revoke button that asks first. An admin's list holds everyone's.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { TOKEN_EXPIRY_DAYS, type TokenScope } from "@/lib/tokens/token-schemas";
import { useFormatWhen } from "../i18n/local-time";
import { useI18n } from "../i18n/i18n-provider";
import { Dialog } from "../ui/dialog";
import {
  deleteToken,
  getTokens,
  postToken,
  TokenRequestError,
  type TokenCreated,
  type TokenListItem,
} from "./tokens-api";

const TOKENS_KEY = ["tokens"] as const;

type Status = "active" | "expired" | "revoked";

function statusOf(token: TokenListItem, now: number): Status {
  if (token.revoked_at) return "revoked";
  if (token.expires_at && Date.parse(token.expires_at) <= now) return "expired";
  return "active";
}

const BADGES: Record<Status, string> = {
  active: "bg-green-100 text-green-800",
  expired: "bg-amber-100 text-amber-800",
  revoked: "bg-slate-100 text-slate-700",
};

export function TokenSettings({
  isAdmin,
  canExportScope,
  initial,
}: {
  isAdmin: boolean;
  /** Whether the role may export at all (a viewer's tokens can only read). */
  canExportScope: boolean;
  initial?: TokenListItem[];
}) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [expiry, setExpiry] = useState<string>("90");
  const [scope, setScope] = useState<TokenScope>("read");
  const [created, setCreated] = useState<TokenCreated | null>(null);
  const [copied, setCopied] = useState<"no" | "yes" | "failed">("no");
  const [confirming, setConfirming] = useState<TokenListItem | null>(null);

  const list = useQuery({
    queryKey: TOKENS_KEY,
    queryFn: () => getTokens(t("tokens.list.loadFailed")),
    initialData: initial,
  });

  const create = useMutation({
    mutationFn: () =>
      postToken(
        { name, scope, expires_in_days: expiry === "never" ? null : (Number(expiry) as 30 | 90 | 365) },
        t("tokens.create.failed"),
      ),
    onSuccess: (token) => {
      setCreated(token);
      setCopied("no");
      setName("");
      void queryClient.invalidateQueries({ queryKey: TOKENS_KEY });
    },
  });

  const revoke = useMutation({
    mutationFn: (id: string) => deleteToken(id, t("tokens.revoke.failed")),
    onSuccess: () => {
      setConfirming(null);
      void queryClient.invalidateQueries({ queryKey: TOKENS_KEY });
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!create.isPending) create.mutate();
  };

  const copy = async () => {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.token);
      setCopied("yes");
    } catch {
      setCopied("failed");
    }
  };

  const formatWhen = useFormatWhen();
  const when = (iso: string | null, none: string) => (iso ? formatWhen(iso) : none);
  const fieldError = (field: string) =>
    create.error instanceof TokenRequestError ? create.error.fields.find((e) => e.field === field)?.message : undefined;
  // An expiry is judged at the time the list was read (re-read after every change).
  const now = list.dataUpdatedAt;
  const tokens = list.data ?? [];

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">{t("tokens.title")}</h1>
        <p className="mt-1 max-w-3xl text-sm text-slate-600">{t("tokens.intro")}</p>
      </div>

      <section aria-labelledby="new-token" className="rounded-lg border border-slate-200 bg-white p-4 sm:p-6">
        <h2 id="new-token" className="text-lg font-semibold">
          {t("tokens.create.title")}
        </h2>
        <form onSubmit={submit} className="mt-4 grid gap-4 sm:grid-cols-3" noValidate>
          <label className="block text-sm">
            <span className="font-medium text-slate-700">{t("tokens.create.name")}</span>
            <input
              type="text"
              required
              maxLength={100}
              value={name}
              onChange={(event) => setName(event.target.value)}
              placeholder={t("tokens.create.namePlaceholder")}
              aria-invalid={fieldError("name") ? true : undefined}
              className="mt-1 w-full rounded-md border border-slate-300 px-3 py-2"
            />
            {fieldError("name") ? <span className="mt-1 block text-red-700">{fieldError("name")}</span> : null}
          </label>
          <label className="block text-sm">
            <span className="font-medium text-slate-700">{t("tokens.create.expiry")}</span>
            <select
              value={expiry}
              onChange={(event) => setExpiry(event.target.value)}
              className="mt-1 w-full rounded-md border border-slate-300 bg-white px-3 py-2"
            >
              {TOKEN_EXPIRY_DAYS.map((days) => (
                <option key={days} value={String(days)}>
                  {t("tokens.create.expiryDays", { days })}
                </option>
              ))}
              <option value="never">{t("tokens.create.expiryNever")}</option>
            </select>
          </label>
          <fieldset className="text-sm">
            <legend className="font-medium text-slate-700">{t("tokens.create.scope")}</legend>
            <div className="mt-1 space-y-1">
              {(["read", "export"] as const).map((value) => (
                <label key={value} className="flex items-start gap-2">
                  <input
                    type="radio"
                    name="scope"
                    value={value}
                    checked={scope === value}
                    disabled={value === "export" && !canExportScope}
                    onChange={() => setScope(value)}
                    className="mt-1"
                  />
                  <span>
                    <span className="font-mono">{t(`tokens.scope.${value}`)}</span>
                    <span className="block text-slate-500">{t(`tokens.scope.${value}Help`)}</span>
                  </span>
                </label>
              ))}
              {!canExportScope ? <p className="text-slate-500">{t("tokens.scope.viewerOnlyRead")}</p> : null}
              {fieldError("scope") ? <p className="text-red-700">{fieldError("scope")}</p> : null}
            </div>
          </fieldset>
          <div className="sm:col-span-3">
            <button
              type="submit"
              disabled={create.isPending}
              className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60"
            >
              {create.isPending ? t("tokens.create.submitting") : t("tokens.create.submit")}
            </button>
            {create.error ? (
              <p role="alert" className="mt-2 text-sm text-red-700">
                {create.error.message}
              </p>
            ) : null}
          </div>
        </form>
      </section>

      {created ? (
        <section
          aria-labelledby="created-token"
          className="rounded-lg border border-amber-300 bg-amber-50 p-4 sm:p-6"
          data-testid="created-token"
        >
          <h2 id="created-token" className="text-lg font-semibold">
            {t("tokens.created.title")}: {created.name}
          </h2>
          <p role="alert" className="mt-1 text-sm text-amber-900">
            {t("tokens.created.warning")}
          </p>
          <div className="mt-3 flex flex-wrap items-center gap-2">
            <code
              data-testid="token-secret"
              className="min-w-0 flex-1 break-all rounded-md border border-amber-200 bg-white px-3 py-2 font-mono text-sm"
            >
              {created.token}
            </code>
            <button
              type="button"
              onClick={() => void copy()}
              className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium hover:bg-slate-50"
            >
              {copied === "yes" ? t("tokens.created.copied") : t("tokens.created.copy")}
            </button>
            <button
              type="button"
              onClick={() => setCreated(null)}
              className="rounded-md px-4 py-2 text-sm font-medium text-slate-700 hover:bg-amber-100"
            >
              {t("tokens.created.done")}
            </button>
          </div>
          {copied === "failed" ? <p className="mt-2 text-sm text-red-700">{t("tokens.created.copyFailed")}</p> : null}
        </section>
      ) : null}

      <section aria-labelledby="token-list">
        <h2 id="token-list" className="text-lg font-semibold">
          {t(isAdmin ? "tokens.list.titleAll" : "tokens.list.title")}
        </h2>
        {list.isPending ? (
          <p className="mt-2 text-sm text-slate-600">{t("tokens.list.loading")}</p>
        ) : list.isError ? (
          <p role="alert" className="mt-2 text-sm text-red-700">
            {list.error.message}
          </p>
        ) : tokens.length === 0 ? (
          <p className="mt-2 text-sm text-slate-600">{t("tokens.list.empty")}</p>
        ) : (
          <div className="relative mt-2 overflow-x-auto rounded-lg border border-slate-200 bg-white">
            <table className="min-w-full text-left text-sm">
              <thead className="bg-slate-50 text-slate-600">
                <tr>
                  <th scope="col" className="px-3 py-2 font-medium">
                    {t("tokens.col.name")}
                  </th>
                  {isAdmin ? (
                    <th scope="col" className="px-3 py-2 font-medium">
                      {t("tokens.col.owner")}
                    </th>
                  ) : null}
                  <th scope="col" className="px-3 py-2 font-medium">
                    {t("tokens.col.scope")}
                  </th>
                  <th scope="col" className="px-3 py-2 font-medium">
                    {t("tokens.col.hint")}
                  </th>
                  <th scope="col" className="px-3 py-2 font-medium">
                    {t("tokens.col.created")}
                  </th>
                  <th scope="col" className="px-3 py-2 font-medium">
                    {t("tokens.col.expires")}
                  </th>
                  <th scope="col" className="px-3 py-2 font-medium">
                    {t("tokens.col.lastUsed")}
                  </th>
                  <th scope="col" className="px-3 py-2 font-medium">
                    {t("tokens.col.status")}
                  </th>
                  <th scope="col" className="px-3 py-2">
                    <span className="sr-only">{t("tokens.revoke")}</span>
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {tokens.map((token) => {
                  const status = statusOf(token, now);
                  return (
                    <tr key={token.id} data-testid="token-row">
                      <td className="px-3 py-2 font-medium">{token.name}</td>
                      {isAdmin ? <td className="px-3 py-2">{token.user_email}</td> : null}
                      <td className="px-3 py-2 font-mono">{t(`tokens.scope.${token.scope}`)}</td>
                      <td className="whitespace-nowrap px-3 py-2 font-mono text-slate-600">
                        outport_pat_{token.hint}…
                      </td>
                      <td className="whitespace-nowrap px-3 py-2">{when(token.created_at, "")}</td>
                      <td className="whitespace-nowrap px-3 py-2">{when(token.expires_at, t("tokens.never"))}</td>
                      <td className="whitespace-nowrap px-3 py-2">{when(token.last_used_at, t("tokens.notUsed"))}</td>
                      <td className="px-3 py-2">
                        <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${BADGES[status]}`}>
                          {t(`tokens.status.${status}`)}
                        </span>
                      </td>
                      <td className="px-3 py-2 text-right">
                        {status === "revoked" ? null : (
                          <button
                            type="button"
                            onClick={() => setConfirming(token)}
                            className="rounded-md border border-red-200 px-3 py-1 text-sm font-medium text-red-700 hover:bg-red-50"
                          >
                            {t("tokens.revoke")}
                          </button>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <Dialog
        open={confirming !== null}
        onClose={() => (revoke.isPending ? undefined : setConfirming(null))}
        title={t("tokens.revoke")}
        size="narrow"
        footer={
          <>
            <button
              type="button"
              onClick={() => setConfirming(null)}
              disabled={revoke.isPending}
              className="rounded-md border border-slate-300 px-4 py-2 text-sm font-medium text-slate-700 hover:bg-slate-50"
            >
              {t("tokens.cancel")}
            </button>
            <button
              type="button"
              onClick={() => confirming && revoke.mutate(confirming.id)}
              disabled={revoke.isPending}
              className="rounded-md bg-red-600 px-4 py-2 text-sm font-medium text-white hover:bg-red-700 disabled:opacity-60"
            >
              {revoke.isPending ? t("tokens.revoking") : t("tokens.revoke")}
            </button>
          </>
        }
      >
        <p className="text-sm">{t("tokens.revoke.confirm", { name: confirming?.name ?? "" })}</p>
        {revoke.error ? (
          <p role="alert" className="mt-2 text-sm text-red-700">
            {revoke.error.message}
          </p>
        ) : null}
      </Dialog>
    </div>
  );
}
