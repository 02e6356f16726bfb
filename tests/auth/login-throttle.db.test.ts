// Sign-in throttling through the real /api/auth route on the real database: attempts are
// counted before the password is checked, so a burst sent at once gets no further than
// the same attempts sent one after another.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "@/lib/auth/password";
import { config } from "@/lib/config";
import { prisma } from "@/lib/data/prisma";
import { APP, callAuth, csrf, postCredentials, setsSession, type Csrf } from "./auth-client";

const PASSWORD = "right-horse-battery";
const defaults = { ...config.loginThrottle };
let token: Csrf;
let seq = 0;

/** A fresh account for each test, so that counters never carry over. */
async function account(): Promise<string> {
  const email = `throttle-${process.pid}-${++seq}@outport.local`;
  await prisma().user.create({
    data: { email, name: "Throttle", role: "viewer", passwordHash: await hashPassword(PASSWORD) },
  });
  return email;
}

function address(n: number): string {
  return `198.51.100.${(seq * 16 + n) % 250}`;
}

type Outcome = { status: number; retryAfter: string | null; body: { url?: string; detail?: string }; session: boolean };

async function attempt(email: string, password: string, ip: string): Promise<Outcome> {
  const response = await postCredentials(email, password, { ip, token });
  return {
    status: response.status,
    retryAfter: response.headers.get("retry-after"),
    body: (await response.json()) as Outcome["body"],
    session: setsSession(response),
  };
}

beforeAll(async () => {
  token = await csrf();
});

afterEach(() => {
  Object.assign(config.loginThrottle, defaults);
});

afterAll(async () => {
  const users = await prisma().user.findMany({ where: { email: { startsWith: `throttle-${process.pid}-` } } });
  const emails = users.map((user) => user.email);
  await prisma().auditEvent.deleteMany({
    where: {
      OR: [
        { actorId: { in: users.map((user) => user.id) } },
        ...emails.map((email) => ({ details: { path: ["email"], equals: email } })),
      ],
    },
  });
  await prisma().user.deleteMany({ where: { id: { in: users.map((user) => user.id) } } });
});

describe("sign-in throttling under concurrency", () => {
  it("answers no more of 30 wrong passwords sent at once than of 30 sent one after another", async () => {
    const limit = config.loginThrottle.perAddressAndEmail;

    const sequentialEmail = await account();
    const sequential: Outcome[] = [];
    for (let i = 0; i < 30; i++) sequential.push(await attempt(sequentialEmail, `guess-${i}`, address(1)));
    const answeredOneByOne = sequential.filter((o) => o.status === 401).length;
    expect(answeredOneByOne).toBe(limit);

    const burstEmail = await account();
    const started = Date.now();
    const burst = await Promise.all(
      Array.from({ length: 30 }, (_, i) => attempt(burstEmail, `guess-${i}`, address(2))),
    );
    const answeredAtOnce = burst.filter((o) => o.status === 401);
    const refused = burst.filter((o) => o.status === 429);
    expect(answeredAtOnce.length).toBeLessThanOrEqual(answeredOneByOne);
    expect(answeredAtOnce.length + refused.length).toBe(30);
    expect(Date.now() - started).toBeLessThan(10_000);
    for (const outcome of refused) {
      expect(Number(outcome.retryAfter)).toBeGreaterThan(0);
      expect(Number(outcome.retryAfter)).toBeLessThanOrEqual(config.loginThrottle.windowSeconds);
      expect(outcome.session).toBe(false);
    }
    // The shape next-auth's client reads: the sign-in page with the error, and the wait.
    const url = new URL(refused[0]!.body.url!);
    expect(`${url.origin}${url.pathname}`).toBe(`${APP}/login`);
    expect(url.searchParams.get("error")).toMatch(/^Throttled:\d+$/);
    expect(refused[0]!.body.detail).toMatch(/Too many sign-in attempts\. Please wait \d+ min/);

    // Only the wrong passwords that were checked are failures in the audit trail; the
    // throttling is one event, which holds no password.
    const events = await prisma().auditEvent.findMany({
      where: { action: "login_failed", details: { path: ["email"], equals: burstEmail } },
    });
    expect(events.filter((e) => (e.details as { reason?: string }).reason === "wrong_password")).toHaveLength(
      answeredAtOnce.length,
    );
    const throttled = events.filter((e) => (e.details as { reason?: string }).reason === "throttled");
    expect(throttled).toHaveLength(1);
    expect(throttled[0]?.details).toMatchObject({ email: burstEmail, limit: "address_email" });
    expect(throttled[0]?.ip).toBe(address(2));
    expect(JSON.stringify(events)).not.toContain("guess-");
  });

  it("does not accept the right password sent inside the burst, while the limit holds", async () => {
    const email = await account();
    let firstRefusal: () => void = () => {};
    const refusedOnce = new Promise<void>((resolve) => (firstRefusal = resolve));
    const wrong = Array.from({ length: 30 }, (_, i) =>
      attempt(email, `guess-${i}`, address(3)).then((outcome) => {
        if (outcome.status === 429) firstRefusal();
        return outcome;
      }),
    );
    await Promise.race([refusedOnce, Promise.all(wrong)]); // (all of them, when none is refused)
    const inside = attempt(email, PASSWORD, address(3)); // while the rest of the burst is under way
    const outcomes = await Promise.all(wrong);
    const right = await inside;
    expect(outcomes.some((o) => o.status === 429)).toBe(true);
    expect(right.status).toBe(429);
    expect(right.session).toBe(false);
    expect(right.retryAfter).not.toBeNull();

    // Still held afterwards from that address, also on a longer path next-auth would read
    // as the same sign-in; another address is not locked out.
    expect((await attempt(email, PASSWORD, address(3))).status).toBe(429);
    const longer = await callAuth("callback/credentials/again", {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        cookie: token.cookie,
        "x-outport-peer": address(3),
      },
      body: new URLSearchParams({ email, password: PASSWORD, csrfToken: token.csrfToken, json: "true" }),
    });
    expect(longer.status).toBe(429);
    expect(setsSession(longer)).toBe(false);
    const elsewhere = await attempt(email, PASSWORD, address(4));
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.session).toBe(true);
  });

  it("works again once the window has passed", async () => {
    Object.assign(config.loginThrottle, { windowSeconds: 3, perAddressAndEmail: 2 });
    const email = await account();
    expect((await attempt(email, "guess-1", address(5))).status).toBe(401);
    expect((await attempt(email, "guess-2", address(5))).status).toBe(401);
    const held = await attempt(email, PASSWORD, address(5));
    expect(held.status).toBe(429);
    expect(Number(held.retryAfter)).toBeLessThanOrEqual(3);

    await new Promise((resolve) => setTimeout(resolve, Number(held.retryAfter) * 1000 + 200));
    const after = await attempt(email, PASSWORD, address(5));
    expect(after.status).toBe(200);
    expect(after.session).toBe(true);
  });

  it("never counts successful sign-ins, and a success clears its address's failures", async () => {
    Object.assign(config.loginThrottle, { perAddressAndEmail: 3, perAddress: 4 });
    const email = await account();
    for (let i = 0; i < 8; i++) expect((await attempt(email, PASSWORD, address(6))).status).toBe(200);
    // Several at once, as parallel browser tabs (or end-to-end tests) would.
    const together = await Promise.all([1, 2, 3].map(() => attempt(email, PASSWORD, address(6))));
    expect(together.map((o) => o.status)).toEqual([200, 200, 200]);

    expect((await attempt(email, "typo", address(6))).status).toBe(401);
    expect((await attempt(email, "typo", address(6))).status).toBe(401);
    expect((await attempt(email, PASSWORD, address(6))).status).toBe(200);
    // The two failures are forgotten: two more are answered, not refused.
    expect((await attempt(email, "typo", address(6))).status).toBe(401);
    expect((await attempt(email, "typo", address(6))).status).toBe(401);
  });

  it("limits one address spreading guesses over many accounts", async () => {
    Object.assign(config.loginThrottle, { perAddress: 3 });
    const emails = [await account(), await account(), await account(), await account()];
    for (const email of emails.slice(0, 3)) expect((await attempt(email, "guess", address(7))).status).toBe(401);
    const fourth = await attempt(emails[3]!, PASSWORD, address(7));
    expect(fourth.status).toBe(429);
    expect(fourth.session).toBe(false);
    expect((await attempt(emails[3]!, PASSWORD, address(8))).status).toBe(200);
  });

  it("counts an account's addresses before the password is checked: a burst from many addresses gets no more through", async () => {
    Object.assign(config.loginThrottle, { accountAddresses: 3 });
    const email = await account();
    const burst = await Promise.all(
      Array.from({ length: 12 }, (_, i) => attempt(email, `guess-${i}`, address(20 + i))),
    );
    const checked = burst.filter((outcome) => outcome.status !== 429);
    expect(checked.length).toBe(3);
    expect(burst.filter((outcome) => outcome.status === 429).every((outcome) => Number(outcome.retryAfter) > 0)).toBe(
      true,
    );
    expect((await attempt(email, PASSWORD, address(40))).status).toBe(429);
  });

  it("holds an account only after many distinct addresses failed on it", async () => {
    Object.assign(config.loginThrottle, { accountAddresses: 3 });
    const email = await account();
    // A stranger on one address, however often, does not lock the owner out.
    for (let i = 0; i < 8; i++) await attempt(email, `guess-${i}`, address(9));
    expect((await attempt(email, PASSWORD, address(10))).status).toBe(200);

    await attempt(email, "guess", address(11));
    await attempt(email, "guess", address(12)); // the third distinct address
    const held = await attempt(email, PASSWORD, address(13));
    expect(held.status).toBe(429);
    expect(held.session).toBe(false);
    const events = await prisma().auditEvent.findMany({
      where: { action: "login_failed", details: { path: ["reason"], equals: "throttled" } },
    });
    expect(
      events.filter((e) => (e.details as { email?: string }).email === email).map((e) => e.details),
    ).toContainEqual(expect.objectContaining({ limit: "account" }));
  });
});
