// Signed download links: a token that lets the browser's own download manager (or a
// script without the session) fetch one export for a while. The token is
// `{user}.{expiry}.{HMAC-SHA256 over job, user and expiry}`: changing any part, or using
// it for another job, breaks the signature. Whoever accepts a token loads the user it
// names again and checks them like a session user, so a revoked role or account revokes
// its links.
import { createHmac, timingSafeEqual } from "node:crypto";
import { config } from "../config";

const TOKEN_PATTERN = /^([1-9][0-9]{0,9})\.([1-9][0-9]{0,11})\.([A-Za-z0-9_-]{43})$/;

function signingKey(): Buffer {
  const secret = process.env.NEXTAUTH_SECRET;
  if (!secret) throw new Error("NEXTAUTH_SECRET is not set: signed download URLs need it.");
  // A key of its own, so a download signature can never pass for a session signature.
  return createHmac("sha256", secret).update("outport:signed-download:v1").digest();
}

function signature(jobId: string, userId: number, expires: number): Buffer {
  return createHmac("sha256", signingKey()).update(`${jobId.toLowerCase()}.${userId}.${expires}`).digest();
}

export type SignedDownload = { token: string; expiresAt: Date };

export function signDownload(
  jobId: string,
  userId: number,
  now = Date.now(),
  minutes = config.export.signedUrlMinutes,
): SignedDownload {
  const expires = Math.floor(now / 1000) + minutes * 60;
  return {
    token: `${userId}.${expires}.${signature(jobId, userId, expires).toString("base64url")}`,
    expiresAt: new Date(expires * 1000),
  };
}

export type TokenCheck =
  { ok: true; userId: number } | { ok: false; reason: "malformed" | "expired" | "bad_signature" };

export function verifyDownloadToken(jobId: string, token: string, now = Date.now()): TokenCheck {
  const match = TOKEN_PATTERN.exec(token);
  if (!match) return { ok: false, reason: "malformed" };
  const userId = Number(match[1]);
  const expires = Number(match[2]);
  // Compared as text: base64url has several spellings of the same bytes, only ours counts.
  const given = Buffer.from(match[3] ?? "", "ascii");
  const expected = Buffer.from(signature(jobId, userId, expires).toString("base64url"), "ascii");
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: "bad_signature" };
  if (expires * 1000 <= now) return { ok: false, reason: "expired" };
  return { ok: true, userId };
}
