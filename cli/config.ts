// Where the CLI keeps the app's address and its token: $XDG_CONFIG_HOME/outport/config.json
// (~/.config/outport/config.json without it), readable by its owner only (0600, in a 0700
// folder). OUTPORT_URL and OUTPORT_TOKEN override what is saved.
import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { CliError, EXIT, type Env } from "./errors";
import { t } from "./messages";

export const DEFAULT_URL = "http://127.0.0.1:3000";

export type SavedConfig = { url?: string; token?: string };
export type Settings = { url: string; token: string | undefined; path: string };

export function configPath(env: Env = process.env): string {
  const base = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : undefined;
  return path.join(base ?? path.join(env.HOME || os.homedir(), ".config"), "outport", "config.json");
}

export async function readConfig(file: string): Promise<SavedConfig> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw error;
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (!value || typeof value !== "object") return {};
    const { url, token } = value as Record<string, unknown>;
    return {
      ...(typeof url === "string" ? { url } : {}),
      ...(typeof token === "string" ? { token } : {}),
    };
  } catch {
    return {}; // a damaged file is as good as none: `outport login` writes it again
  }
}

/** Writes the file whole (a temporary file renamed over it), mode 0600 from its first byte. */
export async function writeConfig(file: string, config: SavedConfig): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  await chmod(temporary, 0o600); // the umask cannot widen it, but an old file's mode is not kept either
  await rename(temporary, file);
}

/** A base URL without its trailing slash; anything but http(s) is a usage error. */
export function normalizeUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CliError(t("cli.error.badUrl", { url: text }), EXIT.usage);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new CliError(t("cli.error.badUrl", { url: text }), EXIT.usage);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

export async function loadSettings(env: Env = process.env): Promise<Settings> {
  const file = configPath(env);
  const saved = await readConfig(file);
  return {
    url: normalizeUrl(env.OUTPORT_URL || saved.url || DEFAULT_URL),
    token: env.OUTPORT_TOKEN || saved.token || undefined,
    path: file,
  };
}
