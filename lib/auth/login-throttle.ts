// Sign-in attempts, counted in PostgreSQL BEFORE the password is checked, so requests sent
// at once are counted one by one (an upsert per attempt) and the limit holds across web
// processes. Three counters, all over the same window:
//   - per client address and e-mail: the guesses one address may make at one account;
//   - per client address: the guesses one address may spread over many accounts;
//   - per e-mail, counting the distinct addresses that failed for it: only many addresses
//     together can hold an account, so a stranger cannot lock someone else out.
// A successful sign-in gives its attempt back and clears its address's count for that
// account; a refused attempt never reaches the password check, even with the right one.
import { createHash } from "node:crypto";
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

const addressKey = (attempt: SignInAttempt) => hashKey(attempt.ip ?? "(unknown)");
const addressEmailKey = (attempt: SignInAttempt) => hashKey(attempt.ip ?? "(unknown)", attempt.email);
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

/**
 * Counts one sign-in attempt before its password is checked. Past a limit it throws
 * SignInThrottled, and the password must not be checked.
 */
export async function claimSignInAttempt(attempt: SignInAttempt): Promise<void> {
  const limits = limiters();

  const account = await limits.account.get(accountKey(attempt));
  if (account && account.consumedPoints >= config.loginThrottle.accountAddresses) {
    throw await throttled(attempt, "account", account, false);
  }

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
}

/** After a successful sign-in: its attempt is given back, its address's count for the account cleared. */
export async function signInSucceeded(attempt: SignInAttempt): Promise<void> {
  const limits = limiters();
  await limits.addressEmail.delete(addressEmailKey(attempt));
  await limits.address.reward(addressKey(attempt), 1);
}

/** After a failed sign-in: the account counts the address, once per window. */
export async function signInFailed(attempt: SignInAttempt): Promise<void> {
  const limits = limiters();
  const newAddress = await consumePoint(limits.accountAddress, addressEmailKey(attempt));
  if ("refused" in newAddress) return;
  const account = await consumePoint(limits.account, accountKey(attempt));
  const held = "refused" in account ? account.refused : account;
  if (held.consumedPoints === config.loginThrottle.accountAddresses) {
    await throttled(attempt, "account", held, true);
  }
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
