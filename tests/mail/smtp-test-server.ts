// A real SMTP server in the test process, on a free loopback port: it keeps every message
// it accepts (the raw source, as a mail client would receive it) and can be told to refuse
// recipients with a reply code, or to ask for a user and password.
import { createServer } from "node:net";
import { SMTPServer, type SMTPServerAuthentication } from "smtp-server";

export type ReceivedMail = { from: string; to: string[]; source: Buffer };

export type TestSmtpOptions = {
  /** Checked on AUTH; without it the server takes mail from anyone. */
  credentials?: { user: string; pass: string };
  /** A reply code to refuse a recipient with, asked on every RCPT TO (1 for the first call); null accepts. */
  refuseRecipient?: (call: number, address: string) => number | null;
};

export type TestSmtp = {
  port: number;
  url: (credentials?: { user: string; pass: string }) => string;
  received: ReceivedMail[];
  /** RCPT TO commands seen, accepted or not. */
  recipientCalls: () => number;
  close: () => Promise<void>;
};

function smtpError(code: number, text: string): Error & { responseCode: number } {
  return Object.assign(new Error(text), { responseCode: code });
}

export async function startSmtpServer(options: TestSmtpOptions = {}): Promise<TestSmtp> {
  const received: ReceivedMail[] = [];
  let calls = 0;
  const server = new SMTPServer({
    authOptional: !options.credentials,
    allowInsecureAuth: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onAuth(auth: SMTPServerAuthentication, _session, callback) {
      const expected = options.credentials;
      if (expected && auth.username === expected.user && auth.password === expected.pass)
        return callback(null, { user: auth.username });
      callback(smtpError(535, "Authentication credentials invalid"));
    },
    onRcptTo(address, _session, callback) {
      calls++;
      const code = options.refuseRecipient?.(calls, address.address) ?? null;
      if (code === null) return callback();
      callback(smtpError(code, code >= 500 ? "Mailbox unavailable" : "Mailbox busy, try again later"));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          source: Buffer.concat(chunks),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.server.address();
  if (!address || typeof address === "string") throw new Error("the SMTP server has no port");
  const port = address.port;
  return {
    port,
    url: (credentials) =>
      credentials
        ? `smtp://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.pass)}@127.0.0.1:${port}`
        : `smtp://127.0.0.1:${port}`,
    received,
    recipientCalls: () => calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A loopback port nothing listens on: it was free a moment ago and was closed again. */
export async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (!address || typeof address === "string") throw new Error("no port");
  return address.port;
}
