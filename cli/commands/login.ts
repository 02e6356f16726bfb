// outport login [--url URL] [--token TOKEN]: the token from --token or stdin, checked by
// asking the app who it belongs to, then saved (0600).
import type { Dataset, Me } from "../api-types";
import { normalizeUrl, readConfig, writeConfig } from "../config";
import type { Context } from "../context";
import { CliError, EXIT } from "../errors";
import { Api } from "../http";
import { t } from "../messages";

export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = "";
  for await (const chunk of stream) text += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
  return text;
}

async function readLine(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    const onData = (chunk: Buffer | string) => {
      text += chunk.toString();
      const end = text.indexOf("\n");
      if (end >= 0) {
        stream.off("data", onData);
        stream.pause();
        resolve(text.slice(0, end));
      }
    };
    stream.on("data", onData);
    stream.once("end", () => resolve(text));
  });
}

export async function login(ctx: Context, flags: { url?: string; token?: string }): Promise<number> {
  const url = flags.url ? normalizeUrl(flags.url) : ctx.settings.url;
  let token = flags.token?.trim();
  if (!token) {
    if (ctx.stdin.isTTY) {
      ctx.warn(t("cli.login.prompt", { url }));
      token = (await readLine(ctx.stdin)).trim();
    } else {
      token = (await readAll(ctx.stdin)).trim();
    }
  }
  if (!token) throw new CliError(t("cli.login.noToken"), EXIT.usage);
  const api = new Api(url, token, ctx.fetch);
  const saved = await readConfig(ctx.settings.path);
  const meResponse = await api.request("GET", "/api/me", { pass: [404] });
  if (meResponse.status === 404) {
    // An app without /api/me: the token is good if it can list the datasets.
    const datasets = await api.json<Dataset[]>("GET", "/api/datasets");
    await writeConfig(ctx.settings.path, { ...saved, url, token });
    ctx.print(t("cli.login.savedNoUser", { url, count: datasets.length, path: ctx.settings.path }));
    return EXIT.ok;
  }
  const me = (await meResponse.json()) as Me;
  await writeConfig(ctx.settings.path, { ...saved, url, token });
  ctx.print(t("cli.login.saved", { url, email: me.email, role: me.role, path: ctx.settings.path }));
  return EXIT.ok;
}
