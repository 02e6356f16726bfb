// The fuzz suite: a bounded, seeded run of hostile requests over every API route and page
// (found in app/), every method and every role, against the built app. It fails on any
// 5xx, any request not answered in time, and any answer that shows a file path, a stack
// trace, SQL or database error text, or a secret — and lists every failure at once,
// grouped. It runs in its own Playwright project after all the others (it signs in with
// bad credentials and spends the export rate limit). FUZZ_SEED replays another run.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "@playwright/test";
import {
  generatePlan,
  MAX_SIGN_IN_POSTS,
  MAX_SIGN_IN_WITH_CSRF,
  planDigest,
  ROLES,
  type FuzzRequest,
  type Role,
} from "./fuzz/generate";
import { fuzzSeed } from "./fuzz/prng";
import { rawProbes, sendRaw, type RawProbe } from "./fuzz/raw";
import { discoverTargets } from "./fuzz/routes";
import { findLeak, leakRules, type LeakRule } from "./fuzz/rules";
import {
  agentFor,
  canBind,
  fetchCsrf,
  resolve,
  send,
  sendWithRetry,
  signInCookie,
  type Known,
  type Server,
} from "./fuzz/send";
import { USERS } from "./helpers";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SEED = fuzzSeed();
const COUNT = Number(process.env.FUZZ_REQUESTS ?? 2000);
const CONCURRENCY = Number(process.env.FUZZ_CONCURRENCY ?? 4);
/** FUZZ_VERBOSE=1 prints every request with its answer. */
const VERBOSE = process.env.FUZZ_VERBOSE === "1";
/** Every request must be answered (and its first megabyte read) within this. */
const DEADLINE_MS = 10_000;
/** The fuzz requests come from this loopback address, so that the sign-in throttle's
 * count for 127.0.0.1 (every other spec's address) is not touched. */
const FUZZ_ADDRESS = "127.0.0.2";

type Failure = {
  rule: string;
  /** What about the request most likely caused it, to group alike failures. */
  trigger: string;
  method: string;
  pattern: string;
  path: string;
  status: number | null;
  role: Role | "raw";
  excerpt: string;
  what: string[];
  n: number | string;
};

const short = (text: string, max = 120) => (text.length > max ? `${text.slice(0, max)}…(${text.length} chars)` : text);

function decodes(text: string): boolean {
  try {
    decodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}

/** The likely cause, for grouping: the method, an escape that does not decode, or the route. */
function triggerOf(method: string, target: string): string {
  const [pathPart = "", query = ""] = target.split(/\?(.*)/s);
  if (method === "TRACE") return "TRACE";
  if (!decodes(pathPart)) return "path does not decode";
  if (!decodes(query.replace(/\+/g, " "))) return "query does not decode";
  return "";
}

function requestText(request: FuzzRequest): string {
  return [
    request.path,
    ...Object.entries(request.headers).map(([k, v]) => `${k}: ${v}`),
    ...request.extraCookies,
    request.body?.toString("utf8") ?? "",
  ].join("\n");
}

test.describe.configure({ mode: "serial" });

test("the fuzz plan covers every route, page, method and role, and is the same for the same seed", () => {
  const targets = discoverTargets(ROOT);
  const patterns = targets.map((t) => t.pattern);
  expect(patterns).toContain("/api/export/async");
  expect(patterns).toContain("/api/auth/[...nextauth]");
  expect(patterns).toContain("/datasets/[id]");
  expect(targets.filter((t) => t.kind === "api").every((t) => t.methods.length > 0)).toBe(true);

  const plan = generatePlan(SEED, targets, COUNT);
  expect(plan).toHaveLength(COUNT);
  expect(planDigest(generatePlan(SEED, targets, COUNT))).toBe(planDigest(plan));
  expect(planDigest(generatePlan(SEED + 1, targets, COUNT))).not.toBe(planDigest(plan));
  for (const pattern of patterns)
    expect(
      plan.some((r) => r.pattern === pattern),
      pattern,
    ).toBe(true);
  for (const role of ROLES)
    expect(
      plan.some((r) => r.role === role),
      role,
    ).toBe(true);
  for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "FOO"])
    expect(
      plan.some((r) => r.method === method),
      method,
    ).toBe(true);

  const signInPosts = plan.filter((r) => r.method === "POST" && /^\/api\/auth\/(callback|signin)/.test(r.path));
  expect(signInPosts.length).toBeLessThanOrEqual(MAX_SIGN_IN_POSTS);
  const withCsrf = signInPosts.filter((r) => r.body?.toString().includes("{{csrf}}"));
  expect(withCsrf.length).toBeLessThanOrEqual(MAX_SIGN_IN_WITH_CSRF);
  for (const user of Object.values(USERS)) expect(plan.some((r) => requestText(r).includes(user.email))).toBe(false);

  // The requests themselves never contain what the rules look for, so an echo of the
  // input can never be taken for a leak.
  const rules = leakRules({ repoRoot: ROOT });
  for (const request of plan) {
    const leak = findLeak(rules, requestText(request));
    expect(leak, `request #${request.n} ${request.method} ${short(request.path)}`).toBeNull();
  }
  for (const probe of rawProbes()) expect(findLeak(rules, probe.text), probe.name).toBeNull();
});

test("the leak rules recognise paths, stack traces, SQL and secrets, and pass ordinary answers", () => {
  const rules = leakRules({ authSecret: "s3cr3t-s3cr3t-s3cr3t-s3cr3t", repoRoot: ROOT });
  const leaks = {
    "filesystem path": [`ENOENT: no such file, open '${ROOT}/var/x'`, "see /tmp/outport-123", "node_modules/next/x"],
    "stack trace": ["TypeError: x\n    at new to (chunks/a.js:1:58976)", "Error: boom at handler (route.ts:12:3)"],
    "SQL or database error": [
      'SELECT "id" FROM "User"',
      "new row violates check constraint",
      "Invalid `prisma.user.find()`",
    ],
    "secret (bcrypt hash)": ['{"passwordHash":"$2b$10$abcdefghijklmnopqrstuv"}'],
    "secret (database URL)": ["postgresql://outport:outport@127.0.0.1:54330/outport"],
    "secret (NEXTAUTH_SECRET)": ["key=s3cr3t-s3cr3t-s3cr3t-s3cr3t"],
  };
  for (const [rule, samples] of Object.entries(leaks))
    for (const sample of samples) expect(findLeak(rules, sample)?.rule, sample).toBe(rule);
  for (const ordinary of [
    '{"detail":"Some fields are invalid.","errors":[{"field":"filters.0.op","message":"is not a known option"}]}',
    '<script src="/_next/static/chunks/main.js"></script><p>Select the columns to export at once.</p>',
    "Order ID,Sale date,Region\r\nSO-2025-0001,2025-01-02,EU",
  ])
    expect(findLeak(rules, ordinary), ordinary).toBeNull();
});

test("fuzz: no 5xx, no hang and no leak over every route, page, method and role", async ({ baseURL }, testInfo) => {
  test.setTimeout(240_000);
  const started = Date.now();
  const url = new URL(baseURL!);
  const base: Server = { host: url.hostname, port: Number(url.port) };
  const server: Server = (await canBind(base, FUZZ_ADDRESS)) ? { ...base, localAddress: FUZZ_ADDRESS } : base;

  const targets = discoverTargets(ROOT);
  const plan = generatePlan(SEED, targets, COUNT);
  console.log(
    `fuzz: seed ${SEED} (FUZZ_SEED=${SEED} to replay), ${plan.length} requests (plan ${planDigest(plan)}), ` +
      `${targets.length} targets, concurrency ${CONCURRENCY}, from ${server.localAddress ?? "the default address"}`,
  );

  const sessions: Known["sessions"] = {
    anonymous: null,
    viewer: await signInCookie(server, USERS.viewer.email, USERS.viewer.password),
    manager: await signInCookie(server, USERS.manager.email, USERS.manager.password),
    admin: await signInCookie(server, USERS.admin.email, USERS.admin.password),
  };
  // Real jobs to aim at (the other specs leave some, but the suite can run alone): a CSV
  // of Q1 Sales for the manager and one for the admin, waited for until they complete.
  const origin = { origin: `http://${base.host}:${base.port}`, "content-type": "application/json" };
  for (const role of ["manager", "admin"] as const) {
    const body = Buffer.from('{"dataset_id":1,"format":"csv"}');
    const queued = await send(
      server,
      undefined,
      { method: "POST", path: "/api/export/async", headers: { ...origin, cookie: sessions[role]! }, body },
      DEADLINE_MS,
    );
    expect(queued.status, queued.body.toString()).toBe(202);
    const { status_url } = JSON.parse(queued.body.toString()) as { status_url: string };
    await expect
      .poll(
        async () => {
          const answer = await send(
            server,
            undefined,
            { method: "GET", path: status_url, headers: { cookie: sessions[role]! } },
            DEADLINE_MS,
          );
          return (JSON.parse(answer.body.toString()) as { status: string }).status;
        },
        { timeout: 30_000 },
      )
      .toBe("completed");
  }
  const history = await send(
    server,
    undefined,
    {
      method: "GET",
      path: "/api/export/history?page_size=100&include_expired=true",
      headers: { cookie: sessions.admin! },
    },
    DEADLINE_MS,
  );
  expect(history.status, history.body.toString()).toBe(200);
  const items = (
    JSON.parse(history.body.toString()) as { items: { job_id: string; signed_download_url: string | null }[] }
  ).items;
  const known: Known = {
    sessions,
    jobs: items.map((i) => i.job_id).sort(),
    tokens: items
      .map((i) => i.signed_download_url && new URL(i.signed_download_url, baseURL).searchParams.get("token"))
      .filter((t): t is string => !!t)
      .sort(),
    csrf: await fetchCsrf(server),
  };

  console.log(`fuzz: ${known.jobs.length} jobs and ${known.tokens.length} signed links to aim at`);
  const secretFile = path.join(ROOT, "var/e2e/auth-secret");
  const authSecret =
    process.env.NEXTAUTH_SECRET ?? (existsSync(secretFile) ? readFileSync(secretFile, "utf8").trim() : undefined);
  const rules: LeakRule[] = leakRules({ authSecret, repoRoot: ROOT });

  const failures: Failure[] = [];
  const slowBody: Failure[] = [];
  const byClass = new Map<string, number>();
  const byRoute = new Map<string, Map<string, number>>();
  const byRole = new Map<string, number>();
  const count = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

  // The probes whose body never arrives wait up to 20 s: start them now, beside the rest.
  const probes = rawProbes();
  const runProbe = async (probe: RawProbe) => {
    const text = probe.text
      .replaceAll("{{host}}", `${base.host}:${base.port}`)
      .replaceAll("{{session}}", sessions.manager!);
    const answer = await sendRaw(server, text, probe.timeoutMs);
    count(byClass, answer.status === null ? "none" : `${String(answer.status)[0]}xx`);
    const into = probe.slowBody ? slowBody : failures;
    const failure = (rule: string, excerpt: string) =>
      into.push({
        rule,
        trigger: triggerOf(probe.text.split(" ")[0]!, probe.text.split(" ")[1] ?? ""),
        method: probe.text.split(" ")[0]!,
        pattern: `raw: ${probe.name}`,
        path: short(probe.text.split("\r\n")[0]!),
        status: answer.status,
        role: "raw",
        excerpt,
        what: [],
        n: probe.name,
      });
    if (answer.timedOut && answer.status === null) failure(`no answer within ${probe.timeoutMs / 1000} s`, "");
    else if (answer.status === null && !probe.mayClose)
      failure("connection closed without an answer", answer.error ?? "");
    else if (answer.status !== null && answer.status >= 500)
      failure("5xx", short(answer.text.split("\r\n\r\n")[1] ?? "", 160));
    else if (probe.slowBody && answer.status !== null && (answer.status < 400 || answer.status >= 500))
      failure(`answered ${answer.status} to a body that never came`, "");
    const leak = findLeak(rules, answer.text);
    if (leak) failure(leak.rule, leak.excerpt);
    if (probe.slowBody) console.log(`fuzz: raw "${probe.name}" → ${answer.status ?? "no answer"} in ${answer.ms} ms`);
  };
  const slowProbes = Promise.all(probes.filter((p) => p.slowBody).map(runProbe));

  const agent = agentFor(server, CONCURRENCY);
  let next = 0;
  const worker = async () => {
    while (next < plan.length) {
      const request = plan[next++]!;
      const resolved = resolve(request, known);
      const answer = await sendWithRetry(server, agent, resolved, DEADLINE_MS);
      const statusClass = answer.status === null ? "none" : `${String(answer.status)[0]}xx`;
      count(byClass, statusClass);
      count(byRole, request.role);
      const route = byRoute.get(request.pattern) ?? new Map<string, number>();
      byRoute.set(request.pattern, route);
      count(route, statusClass);
      const failure = (rule: string, excerpt: string) =>
        failures.push({
          rule,
          trigger: triggerOf(request.method, resolved.path),
          method: request.method,
          pattern: request.pattern,
          path: short(resolved.path),
          status: answer.status,
          role: request.role,
          excerpt,
          what: request.what,
          n: request.n,
        });
      if (answer.timedOut) failure(`no answer within ${DEADLINE_MS / 1000} s`, "");
      else if (answer.status === null) failure("connection closed without an answer", answer.error ?? "");
      if (answer.status !== null && answer.status >= 500) failure("5xx", short(answer.body.toString("utf8"), 160));
      if (VERBOSE)
        console.log(
          `#${request.n} ${request.role} ${request.method} ${short(resolved.path, 100)} → ${answer.status ?? answer.error}` +
            ` ${answer.ms} ms ${answer.body.length} B${answer.cutShort ? " (cut short)" : ""}`,
        );
      if (answer.cutShort) failure("answer cut short", short(answer.body.toString("utf8"), 160));
      const leak = findLeak(rules, answer.head) ?? findLeak(rules, answer.body.toString("utf8"));
      if (leak) failure(leak.rule, leak.excerpt);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  agent.destroy();
  for (const probe of probes.filter((p) => !p.slowBody)) await runProbe(probe);
  await slowProbes;

  // ------------------------------------------------------------------ the report
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const lines = [
    `fuzz: ${plan.length + probes.length} requests in ${seconds} s (seed ${SEED})`,
    `  by status: ${[...byClass]
      .sort()
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")}`,
    `  by role: ${[...byRole]
      .sort()
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")}`,
    `  by route:`,
    ...[...byRoute]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(
        ([route, classes]) =>
          `    ${route.padEnd(40)} ${[...classes]
            .sort()
            .map(([k, v]) => `${k} ${v}`)
            .join(", ")}`,
      ),
  ];
  console.log(lines.join("\n"));

  // A cause groups 5xx answers; a leak is grouped where it showed.
  const byCause = (f: Failure) => f.trigger !== "" && f.rule === "5xx";
  const grouped = (list: Failure[]) => {
    const groups = new Map<string, Failure[]>();
    for (const f of list) {
      // Alike causes (TRACE, an escape that does not decode) are one group over all targets.
      const key = byCause(f)
        ? `[${f.rule}] ${f.trigger} → ${f.status ?? "no answer"}`
        : `[${f.rule}] ${f.method} ${f.pattern} → ${f.status ?? "no answer"}`;
      groups.set(key, [...(groups.get(key) ?? []), f]);
    }
    const names = (values: string[]) => [...new Set(values)].sort().join(", ");
    return [...groups]
      .sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))
      .map(([key, all]) => {
        const first = all[0]!;
        const where = byCause(first)
          ? `\n      methods: ${names(all.map((f) => f.method))}\n      targets: ${names(all.map((f) => f.pattern))}`
          : "";
        return (
          `  ${key} ×${all.length} (roles: ${names(all.map((f) => f.role))})${where}` +
          `\n      e.g. ${typeof first.n === "number" ? `#${first.n} ${first.method} ` : ""}${first.path}` +
          (first.what.length ? ` [${short(first.what.join("; "), 100)}]` : "") +
          (first.excerpt ? `\n      answer: ${short(first.excerpt, 200)}` : "")
        );
      });
  };
  // Every failure in full (the message groups them), kept under test-results/.
  const details = testInfo.outputPath("fuzz-failures.json");
  writeFileSync(details, JSON.stringify({ seed: SEED, failures, slowBody }, null, 2));
  await testInfo.attach("fuzz-failures.json", { path: details, contentType: "application/json" });
  const report = [
    ...(failures.length ? [`${failures.length} failures (seed ${SEED}):`, ...grouped(failures)] : []),
    ...(slowBody.length
      ? ["A body shorter than its Content-Length (allowed 20 s for a 408/400):", ...grouped(slowBody)]
      : []),
  ].join("\n");
  if (report) console.log(report);
  expect(failures.length + slowBody.length, report).toBe(0);
});
