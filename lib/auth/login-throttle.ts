// Sign-in attempts, counted in PostgreSQL BEFORE the password is checked, so requests sent
// at once are counted one by one (an upsert per attempt) and the limit holds across web
// processes. Three counters, all over the same window:
//   - per client address and e-mail: the guesses one address may make at one account;
//   - per client address: the guesses one address may spread over many accounts;
//   - per e-mail, counting the distinct addresses that failed for it: only many addresses
//     together can hold an account, so a stranger cannot lock someone else out.
// All three are counted before the password is checked. A successful sign-in gives its
// attempt back and clears its address's count for that account; a refused attempt never
// reaches the password check, even with the right one. IPv6 addresses count by their /64.
import { createHash } from "node:crypto";
import { isIP } from "node:net";
import { recordAudit } from "../audit/audit";
import { config } from "../config";
import {
  consumePoint,
  postgresLimiter,
  secondsUntil,
  type RateLimiterPostgres,
  type RateLimiterRes,
} from "../data/rate-limits";
import { AppError } from "../errors";
import { waitMinutes } from "./sign-in-wait";

export type SignInAttempt = { ip: string | null; email: string };

/** Which counter held an attempt back (recorded in the audit trail). */
export type SignInLimit = "address_email" | "address" | "account";

/** Thrown when an attempt is past a limit; the route answers 429 with Retry-After. */
export class SignInThrottled extends AppError {
  constructor(
    readonly limit: SignInLimit,
    retryAfterSeconds: number,
  ) {
    super("rate_limited", "login.error.throttled", {
      retryAfterSeconds,
      params: { minutes: waitMinutes(retryAfterSeconds) },
      reason: limit,
    });
    this.name = "SignInThrottled";
  }
}

/** The e-mail as accounts are stored: trimmed, lower case. */
export function normalizeEmail(raw: unknown): string {
  return typeof raw === "string" ? raw.trim().toLowerCase() : "";
}

type Limiters = {
  addressEmail: RateLimiterPostgres;
  address: RateLimiterPostgres;
  /** One point per address and e-mail: says whether an address is new to an account's failures. */
  accountAddress: RateLimiterPostgres;
  /** Distinct addresses that failed for an e-mail. */
  account: RateLimiterPostgres;
};

const globalForLimits = globalThis as unknown as { outportSignInLimiters?: { settings: string; limiters: Limiters } };

function limiters(): Limiters {
  const settings = config.loginThrottle;
  // Rebuilt when the settings change (tests shorten the window).
  const signature = JSON.stringify(settings);
  if (globalForLimits.outportSignInLimiters?.settings !== signature) {
    const duration = settings.windowSeconds;
    const limiter = (keyPrefix: string, points: number) => postgresLimiter(keyPrefix, points, duration);
    globalForLimits.outportSignInLimiters = {
      settings: signature,
      limiters: {
        addressEmail: limiter("signin-address-email", settings.perAddressAndEmail),
        address: limiter("signin-address", settings.perAddress),
        accountAddress: limiter("signin-account-address", 1),
        account: limiter("signin-account", settings.accountAddresses),
      },
    };
  }
  return globalForLimits.outportSignInLimiters.limiters;
}

// Keys are hashed: an e-mail may be 320 characters and the key column holds 255, and the
// table then holds no e-mail address in clear.
function hashKey(...parts: string[]): string {
  return createHash("sha256").update(parts.join("\n")).digest("hex");
}

/**
 * The address a counter is kept for: an IPv4 address as it is, an IPv6 address by its /64
 * (one subscriber's network: whoever holds one has all of its addresses to rotate through).
 */
export function throttledAddress(ip: string | null): string {
  if (!ip || isIP(ip) !== 6) return ip ?? "(unknown)";
  const [head = "", tail] = ip.toLowerCase().split("::");
  const groups = (part: string | undefined) => (part ? part.split(":") : []);
  // A dotted IPv4 tail (::ffff:1.2.3.4 and the like) takes two groups.
  const count = (list: string[]) => list.reduce((n, g) => n + (g.includes(".") ? 2 : 1), 0);
  const start = groups(head);
  const end = groups(tail);
  const zeros = tail === undefined ? [] : Array<string>(Math.max(0, 8 - count(start) - count(end))).fill("0");
  const all = [...start, ...zeros, ...end];
  return `${all
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}

const addressKey = (attempt: SignInAttempt) => hashKey(throttledAddress(attempt.ip));
const addressEmailKey = (attempt: SignInAttempt) => hashKey(throttledAddress(attempt.ip), attempt.email);
const accountKey = (attempt: SignInAttempt) => hashKey(attempt.email);

async function throttled(attempt: SignInAttempt, limit: SignInLimit, res: RateLimiterRes, firstRefusal: boolean) {
  const retryAfterSeconds = secondsUntil(res);
  // Recorded once per window and counter (the first refusal), not for every refused request.
  if (firstRefusal) {
    await recordAudit({
      action: "login_failed",
      details: { email: attempt.email, reason: "throttled", limit, retryAfterSeconds },
      ip: attempt.ip,
    });
  }
  return new SignInThrottled(limit, retryAfterSeconds);
}

/** What an attempt counted, for signInSucceeded to give back. */
export type SignInClaim = SignInAttempt & { newToAccount: boolean };

/**
 * Counts one sign-in attempt before its password is checked — on the address+e-mail and
 * address counters, and, when the address is new to this account in the window, on the
 * account's count of addresses. Past a limit it throws SignInThrottled, and the password
 * must not be checked.
 */
export async function claimSignInAttempt(attempt: SignInAttempt): Promise<SignInClaim> {
  const limits = limiters();
  const limit = config.loginThrottle.accountAddresses;

  const pair = await consumePoint(limits.addressEmail, addressEmailKey(attempt));
  if ("refused" in pair) {
    const first = pair.refused.consumedPoints === config.loginThrottle.perAddressAndEmail + 1;
    throw await throttled(attempt, "address_email", pair.refused, first);
  }

  const address = await consumePoint(limits.address, addressKey(attempt));
  if ("refused" in address) {
    // This attempt was not made: the pair's point goes back.
    await limits.addressEmail.reward(addressEmailKey(attempt), 1);
    const first = address.refused.consumedPoints === config.loginThrottle.perAddress + 1;
    throw await throttled(attempt, "address", address.refused, first);
  }

  // The account counts this address (once per window) up front too, so that addresses
  // guessing at once cannot all get past it; an address it counted already is held once
  // the account has its fill.
  const newAddress = await consumePoint(limits.accountAddress, addressEmailKey(attempt));
  const isNew = !("refused" in newAddress);
  const counted = isNew
    ? await consumePoint(limits.account, accountKey(attempt))
    : await limits.account.get(accountKey(attempt));
  const held = counted && "refused" in counted ? counted.refused : null;
  const full = !isNew && counted && !("refused" in counted) && counted.consumedPoints >= limit ? counted : null;
  if (held || full) {
    await Promise.all([
      limits.addressEmail.reward(addressEmailKey(attempt), 1),
      limits.address.reward(addressKey(attempt), 1),
    ]);
    const res = (held ?? full) as RateLimiterRes;
    throw await throttled(attempt, "account", res, held !== null && res.consumedPoints === limit + 1);
  }
  return { ...attempt, newToAccount: isNew };
}

/**
 * After a successful sign-in: its attempt is given back, its address's count for the
 * account cleared, and the address no longer counts among the account's failing ones.
 */
export async function signInSucceeded(claim: SignInClaim): Promise<void> {
  const limits = limiters();
  await Promise.all([
    limits.addressEmail.delete(addressEmailKey(claim)),
    limits.address.reward(addressKey(claim), 1),
    ...(claim.newToAccount
      ? [limits.account.reward(accountKey(claim), 1), limits.accountAddress.delete(addressEmailKey(claim))]
      : []),
  ]);
}

/** Forgets the counters of an address and an e-mail (tests, and an administrator's reset). */
export async function resetSignInAttempts(attempt: SignInAttempt): Promise<void> {
  const limits = limiters();
  await Promise.all([
    limits.addressEmail.delete(addressEmailKey(attempt)),
    limits.address.delete(addressKey(attempt)),
    limits.accountAddress.delete(addressEmailKey(attempt)),
    limits.account.delete(accountKey(attempt)),
  ]);
}
