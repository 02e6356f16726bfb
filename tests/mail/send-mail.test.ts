// Retries with backoff against a real SMTP server that refuses: temporary refusals are
// tried again after each delay, a permanent one ends at once, an abort cuts a wait short.
import { afterEach, describe, expect, it } from "vitest";
import { createMailer, type Mailer, type OutgoingMail } from "@/lib/mail/mailer";
import { sendWithRetries } from "@/lib/mail/send-mail";
import { closedPort, startSmtpServer, type TestSmtp } from "./smtp-test-server";

const MAIL: OutgoingMail = { to: ["ana@example.com"], subject: "Retry me", text: "Hello\n", html: "<p>Hello</p>" };
const SHORT = [0.05, 0.05, 0.05] as const;

describe("sendWithRetries", { timeout: 20_000 }, () => {
  let server: TestSmtp | null = null;
  let smtp: Mailer | null = null;
  afterEach(async () => {
    smtp?.close();
    smtp = null;
    await server?.close();
    server = null;
  });

  async function refusingServer(refuse: (call: number) => number | null): Promise<Mailer> {
    server = await startSmtpServer({ refuseRecipient: refuse });
    smtp = createMailer({ smtpUrl: server.url(), from: "reports@outport.test", dir: "/nonexistent" });
    return smtp;
  }

  it("goes through on the third attempt after two 451s, reporting each failed attempt", async () => {
    const mailer = await refusingServer((call) => (call <= 2 ? 451 : null));
    const attempts: Array<[number, string]> = [];
    const outcome = await sendWithRetries(mailer, MAIL, {
      delaysSeconds: SHORT,
      onAttempt: (attempt, reason) => {
        attempts.push([attempt, reason]);
      },
    });
    expect(outcome).toMatchObject({ ok: true, attempts: 3, sent: { via: "smtp" } });
    expect(attempts.map(([attempt]) => attempt)).toEqual([1, 2]);
    expect(attempts[0]![1]).toMatch(/^451 /);
    expect(server!.received).toHaveLength(1);
  });

  it("stops after the first attempt on a 550, as permanent", async () => {
    const mailer = await refusingServer(() => 550);
    const seen: number[] = [];
    const outcome = await sendWithRetries(mailer, MAIL, { delaysSeconds: SHORT, onAttempt: (a) => void seen.push(a) });
    expect(outcome).toMatchObject({ ok: false, attempts: 1, permanent: true });
    expect(outcome.ok ? "" : outcome.reason).toMatch(/^550 .*Mailbox unavailable/);
    expect(seen).toEqual([1]);
    expect(server!.recipientCalls()).toBe(1);
  });

  it("gives up after every delay is spent on an always-451 server, with the server's reply", async () => {
    const mailer = await refusingServer(() => 451);
    const seen: number[] = [];
    const outcome = await sendWithRetries(mailer, MAIL, { delaysSeconds: SHORT, onAttempt: (a) => void seen.push(a) });
    expect(outcome).toMatchObject({ ok: false, attempts: 4, permanent: false });
    expect(outcome.ok ? "" : outcome.reason).toMatch(/^451 .*try again later/);
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(server!.recipientCalls()).toBe(4);
    expect(server!.received).toHaveLength(0);
  });

  it("retries a refused connection as temporary", async () => {
    smtp = createMailer({ smtpUrl: `smtp://127.0.0.1:${await closedPort()}`, from: "r@outport.test", dir: "/x" });
    const seen: number[] = [];
    const outcome = await sendWithRetries(smtp, MAIL, {
      delaysSeconds: [0.01, 0.01],
      onAttempt: (a) => void seen.push(a),
    });
    expect(outcome).toMatchObject({ ok: false, attempts: 3, permanent: false });
    expect(outcome.ok ? "" : outcome.reason).toContain("ECONNREFUSED");
    expect(seen).toEqual([1, 2, 3]);
  });

  it("sends once with no delays at all", async () => {
    const mailer = await refusingServer(() => 451);
    const outcome = await sendWithRetries(mailer, MAIL, { delaysSeconds: [] });
    expect(outcome).toMatchObject({ ok: false, attempts: 1, permanent: false });
  });

  it("awaits onAttempt before the next attempt", async () => {
    const mailer = await refusingServer((call) => (call === 1 ? 451 : null));
    const order: string[] = [];
    await sendWithRetries(mailer, MAIL, {
      delaysSeconds: [0],
      onAttempt: async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        order.push(`recorded after ${server!.recipientCalls()} call(s)`);
      },
    });
    expect(order).toEqual(["recorded after 1 call(s)"]);
    expect(server!.recipientCalls()).toBe(2);
  });

  it("rejects with the signal's reason when aborted during a long wait", async () => {
    // The wait is ten minutes: only the abort can end this test within its timeout.
    const mailer = await refusingServer(() => 451);
    const controller = new AbortController();
    const stop = new Error("worker shutting down");
    const sending = sendWithRetries(mailer, MAIL, {
      delaysSeconds: [600, 600],
      signal: controller.signal,
      onAttempt: () => {
        setTimeout(() => controller.abort(stop), 10);
      },
    });
    await expect(sending).rejects.toBe(stop);
    expect(server!.recipientCalls()).toBe(1);
  });

  it("does not try at all when the signal is already aborted", async () => {
    const mailer = await refusingServer(() => null);
    const stop = new Error("cancelled");
    await expect(sendWithRetries(mailer, MAIL, { delaysSeconds: SHORT, signal: AbortSignal.abort(stop) })).rejects.toBe(
      stop,
    );
    expect(server!.recipientCalls()).toBe(0);
  });

  it("throws an error that is no refusal as it is", async () => {
    const bug = new TypeError("not a refusal");
    const broken: Mailer = { mode: "smtp", send: () => Promise.reject(bug), close: () => {} };
    await expect(sendWithRetries(broken, MAIL, { delaysSeconds: SHORT })).rejects.toBe(bug);
  });
});
