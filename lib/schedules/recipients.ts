// Who a schedule may mail: each address a real-looking e-mail address, each at one of the
// domains the installation allows (OUTPORT_MAIL_ALLOWED_DOMAINS; unset: any). The one place
// this rule lives: the API, the page and the runner (a run re-checks, since the setting may
// have changed since the schedule was saved) all ask here.
import { z } from "zod";
import { config } from "../config";
import type { FieldError } from "../errors";

const ZAddress = z.email();

/** The address in its stored spelling: trimmed, its domain in lower case. */
export function normalizeAddress(address: string): string {
  const trimmed = address.trim();
  const at = trimmed.lastIndexOf("@");
  return at < 0 ? trimmed : `${trimmed.slice(0, at)}@${trimmed.slice(at + 1).toLowerCase()}`;
}

export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf("@") + 1).toLowerCase();
}

/** Whether an address's domain is allowed: exactly one of the listed domains (a subdomain is another domain). */
export function domainAllowed(address: string, allowed: readonly string[] = config.mail.allowedDomains): boolean {
  return allowed.length === 0 || allowed.includes(domainOf(address));
}

/**
 * The recipients as stored (normalized, each once, in the order given), or the fields that
 * are wrong: `recipients.N` naming the address and why.
 */
export function checkRecipients(
  given: readonly string[],
  allowed: readonly string[] = config.mail.allowedDomains,
): { recipients: string[]; errors: FieldError[] } {
  const recipients: string[] = [];
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  given.forEach((raw, i) => {
    const address = normalizeAddress(raw);
    const field = `recipients.${i}`;
    if (!ZAddress.safeParse(address).success) {
      errors.push({ field, message: `"${address}" is not an e-mail address` });
    } else if (!domainAllowed(address, allowed)) {
      errors.push({ field, message: `${address} is not at an allowed domain (${allowed.join(", ")})` });
    } else if (!seen.has(address.toLowerCase())) {
      seen.add(address.toLowerCase());
      recipients.push(address);
    }
  });
  return { recipients, errors };
}
