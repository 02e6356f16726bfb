// outport whoami: the user, role and token the saved settings act as, and where.
import type { Dataset, Me } from "../api-types";
import type { Context } from "../context";
import { EXIT } from "../errors";
import { t } from "../messages";

export async function whoami(ctx: Context, flags: { json?: boolean }): Promise<number> {
  const response = await ctx.api.request("GET", "/api/me", { pass: [404] });
  if (response.status === 404) {
    const datasets = await ctx.api.json<Dataset[]>("GET", "/api/datasets");
    if (flags.json) ctx.print(JSON.stringify({ url: ctx.settings.url, datasets: datasets.length }));
    else
      ctx.print(t("cli.login.savedNoUser", { url: ctx.settings.url, count: datasets.length, path: ctx.settings.path }));
    return EXIT.ok;
  }
  const me = (await response.json()) as Me;
  if (flags.json) {
    ctx.print(JSON.stringify({ url: ctx.settings.url, ...me }, null, 2));
    return EXIT.ok;
  }
  ctx.print(t("cli.whoami.line", { email: me.email, name: me.name, role: me.role }));
  if (me.credential.kind === "token")
    ctx.print(t("cli.whoami.token", { id: me.credential.token_id, scope: me.credential.scope }));
  ctx.print(t("cli.whoami.url", { url: ctx.settings.url }));
  return EXIT.ok;
}
