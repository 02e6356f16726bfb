// outport datasets [--json]: every dataset the token's user can see.
import type { Dataset } from "../api-types";
import { table, type Context } from "../context";
import { CliError, EXIT } from "../errors";
import { t } from "../messages";

export async function datasets(ctx: Context, flags: { json?: boolean }): Promise<number> {
  const list = await ctx.api.json<Dataset[]>("GET", "/api/datasets");
  if (flags.json) {
    ctx.print(JSON.stringify(list, null, 2));
    return EXIT.ok;
  }
  if (list.length === 0) {
    ctx.print(t("cli.table.empty"));
    return EXIT.ok;
  }
  ctx.print(
    table(
      [t("cli.table.id"), t("cli.table.title"), t("cli.table.rows"), t("cli.table.owner"), t("cli.table.canExport")],
      list.map((d) => [
        d.id,
        d.title,
        d.record_count,
        d.owner_email ?? "",
        d.can_export ? t("cli.table.yes") : t("cli.table.no"),
      ]),
    ),
  );
  return EXIT.ok;
}

/**
 * A DATASET argument: an id, else a title (exact, ignoring case, then a part of one).
 * None → exit 3; several → exit 1 with the candidates.
 */
export function resolveDataset(arg: string, list: readonly Dataset[]): Dataset {
  const text = arg.trim();
  if (/^\d+$/.test(text)) {
    const byId = list.find((d) => d.id === Number(text));
    if (byId) return byId;
  }
  const lower = text.toLowerCase();
  const exact = list.filter((d) => d.title.toLowerCase() === lower);
  if (exact.length === 1 && exact[0]) return exact[0];
  const candidates = exact.length > 1 ? exact : list.filter((d) => d.title.toLowerCase().includes(lower));
  if (candidates.length === 1 && candidates[0]) return candidates[0];
  if (candidates.length === 0) throw new CliError(t("cli.error.noDataset", { name: text }), EXIT.notFound);
  const lines = candidates.map((d) => `  ${d.id}  ${d.title}`).join("\n");
  throw new CliError(`${t("cli.error.ambiguous", { name: text })}\n${lines}`, EXIT.usage);
}
