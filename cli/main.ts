// The `outport` program: commander's parser for every command (each with --help), the
// settings and API client made once, and every failure turned into its exit code and a
// message on standard error (with the server's field reasons under it).
import { Command, CommanderError } from "commander";
import { createContext, type Context, type Io } from "./context";
import { CliError, EXIT } from "./errors";
import { t } from "./messages";
import { datasets } from "./commands/datasets";
import { exportCommand, type ExportCommandFlags } from "./commands/export";
import { cancel, download, history, status, type HistoryFlags } from "./commands/jobs";
import { login } from "./commands/login";
import { upload, type UploadFlags } from "./commands/upload";
import { whoami } from "./commands/whoami";

const HELP_TITLES: Record<string, () => string> = {
  "Usage:": () => t("cli.help.title.usage"),
  "Options:": () => t("cli.help.title.options"),
  "Commands:": () => t("cli.help.title.commands"),
  "Arguments:": () => t("cli.help.title.arguments"),
};

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function buildProgram(
  run: (work: (ctx: Context) => Promise<number>) => Promise<void>,
  io: Pick<Io, "stdout" | "stderr">,
): Command {
  // Set before the commands are added: each command copies these settings.
  const program = new Command("outport")
    .configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      writeErr: (text) => void io.stderr.write(text),
    })
    // Commander's own words, in the CLI's language too.
    .configureHelp({ styleTitle: (title) => HELP_TITLES[title]?.() ?? title })
    .helpOption("-h, --help", t("cli.help.help"))
    .helpCommand("help [command]", t("cli.help.help"))
    .description(t("cli.description"))
    .version(process.env.npm_package_version ?? "0.1.0", "-V, --version", t("cli.help.version"))
    .showHelpAfterError(t("cli.help.more"))
    .exitOverride();

  program
    .command("login")
    .description(t("cli.help.login"))
    .option("--url <url>", t("cli.help.login.url"))
    .option("--token <token>", t("cli.help.login.token"))
    .action((flags: { url?: string; token?: string }) => run((ctx) => login(ctx, flags)));

  program
    .command("whoami")
    .description(t("cli.help.whoami"))
    .option("--json", t("cli.help.json"))
    .action((flags: { json?: boolean }) => run((ctx) => whoami(ctx, flags)));

  program
    .command("datasets")
    .description(t("cli.help.datasets"))
    .option("--json", t("cli.help.json"))
    .action((flags: { json?: boolean }) => run((ctx) => datasets(ctx, flags)));

  program
    .command("history")
    .description(t("cli.help.history"))
    .option("--status <status>", t("cli.help.history.status"))
    .option("--format <format>", t("cli.help.history.format"))
    .option("--page <n>", t("cli.help.history.page"))
    .option("--page-size <n>", t("cli.help.history.pageSize"))
    .option("--json", t("cli.help.json"))
    .action((flags: HistoryFlags) => run((ctx) => history(ctx, flags)));

  program
    .command("status")
    .description(t("cli.help.status"))
    .argument("<job>")
    .option("--json", t("cli.help.json"))
    .action((job: string, flags: { json?: boolean }) => run((ctx) => status(ctx, job, flags)));

  program
    .command("download")
    .description(t("cli.help.download"))
    .argument("<job>")
    .option("-o, --out <path>", t("cli.help.out"))
    .option("--json", t("cli.help.json"))
    .action((job: string, flags: { out?: string; json?: boolean }) => run((ctx) => download(ctx, job, flags)));

  program
    .command("cancel")
    .description(t("cli.help.cancel"))
    .argument("<job>")
    .option("--json", t("cli.help.json"))
    .action((job: string, flags: { json?: boolean }) => run((ctx) => cancel(ctx, job, flags)));

  program
    .command("upload")
    .description(t("cli.help.upload"))
    .argument("<file>")
    .option("--title <title>", t("cli.help.upload.title"))
    .option("--description <text>", t("cli.help.upload.description"))
    .option("--no-wait", t("cli.help.export.noWait"))
    .option("-q, --quiet", t("cli.help.quiet"))
    .option("--json", t("cli.help.json"))
    .action((file: string, flags: UploadFlags) => run((ctx) => upload(ctx, file, flags)));

  program
    .command("export")
    .description(t("cli.help.export"))
    .argument("<dataset...>")
    .requiredOption("-f, --format <formats>", t("cli.help.export.format"))
    .option("--columns <keys>", t("cli.help.export.columns"))
    .option("--rename <key=Header>", t("cli.help.export.rename"), collect)
    .option("--filter <filter>", t("cli.help.export.filter"), collect)
    .option("--any", t("cli.help.export.any"))
    .option("--from <date>", t("cli.help.export.from"))
    .option("--to <date>", t("cli.help.export.to"))
    .option("--date-column <key>", t("cli.help.export.dateColumn"))
    .option("--gzip", t("cli.help.export.gzip"))
    .option("--delimiter <d>", t("cli.help.export.delimiter"))
    .option("--timezone <zone>", t("cli.help.export.timezone"))
    .option("--include-sensitive", t("cli.help.export.sensitive"))
    .option("-o, --out <path>", t("cli.help.out"))
    .option("--job", t("cli.help.export.job"))
    .option("--no-wait", t("cli.help.export.noWait"))
    .option("--detach", t("cli.help.export.detach"))
    .option("-q, --quiet", t("cli.help.quiet"))
    .option("--json", t("cli.help.json"))
    .action((list: string[], flags: ExportCommandFlags) => run((ctx) => exportCommand(ctx, list, flags)));

  return program;
}

export function defaultIo(): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    fetch: globalThis.fetch,
    signals: process,
  };
}

/** Runs the CLI on `argv` (as process.argv: node, script, …) and answers its exit code. */
export async function main(argv: readonly string[], io: Io = defaultIo()): Promise<number> {
  let code: number = EXIT.ok;
  const run = async (work: (ctx: Context) => Promise<number>) => {
    try {
      code = await work(await createContext(io));
    } catch (error) {
      code = report(io, error);
    }
  };
  const program = buildProgram(run, io);
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end well; anything else commander refused is a usage error.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    return report(io, error);
  }
  return code;
}

function report(io: Io, error: unknown): number {
  if (error instanceof CliError) {
    if (error.message) io.stderr.write(`outport: ${error.message}\n`);
    for (const field of error.fields) io.stderr.write(`  ${field.field}: ${field.message}\n`);
    return error.exitCode;
  }
  io.stderr.write(`outport: ${(error as Error)?.stack ?? String(error)}\n`);
  return EXIT.failed;
}
