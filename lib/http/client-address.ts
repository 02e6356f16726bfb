// Who is on the other end of a request. The address of the connection's peer is the only
// one we know for sure; addresses a proxy reports (X-Forwarded-For, X-Real-IP) are believed
// only when that peer is one of the proxies the operator lists (OUTPORT_TRUSTED_PROXIES),
// and then only as far as the chain of trusted hops goes. Every address is checked to be an
// IPv4 or IPv6 address and kept short, so nothing a client makes up reaches the audit trail.
import { BlockList, isIP } from "node:net";

/**
 * The header our HTTP server (lib/http/edge-server.ts) puts the connection's peer address in,
 * after removing any copy a client sent.
 */
export const PEER_HEADER = "x-outport-peer";

/**
 * Set (to "1") by our HTTP server in its own process: only then is PEER_HEADER its word.
 * Under a bare `next start` a client could send that header itself, so it is not read.
 */
export const PEER_HEADER_SET_BY_EDGE = "OUTPORT_EDGE_PEER";

/** The longest textual IP address (an IPv6 address with an IPv4 tail). */
const MAX_ADDRESS_LENGTH = 45;
/** How much of X-Forwarded-For is read, from the right: the hops our proxies added. */
const MAX_FORWARDED_LENGTH = 1024;

export type TrustedProxies = { readonly empty: boolean; has(address: string): boolean };

export class TrustedProxiesError extends Error {
  override name = "TrustedProxiesError";
}

/**
 * OUTPORT_TRUSTED_PROXIES: a comma list of IP addresses, CIDR ranges (10.0.0.0/8, fd00::/8)
 * and the word `loopback` (127.0.0.0/8 and ::1). Empty: no proxy is trusted.
 */
export function parseTrustedProxies(spec: string | undefined): TrustedProxies {
  const list = new BlockList();
  let count = 0;
  for (const raw of (spec ?? "").split(",")) {
    const entry = raw.trim();
    if (!entry) continue;
    count++;
    if (entry.toLowerCase() === "loopback") {
      list.addSubnet("127.0.0.0", 8, "ipv4");
      list.addAddress("::1", "ipv6");
      continue;
    }
    const [address = "", prefix, ...rest] = entry.split("/");
    const family = isIP(address);
    const bits = prefix === undefined ? undefined : Number(prefix);
    const maxBits = family === 4 ? 32 : 128;
    if (
      family === 0 ||
      rest.length > 0 ||
      (bits !== undefined && (!/^\d{1,3}$/.test(prefix ?? "") || bits > maxBits))
    ) {
      throw new TrustedProxiesError(
        `OUTPORT_TRUSTED_PROXIES: "${entry}" is not an IP address, a CIDR range (such as 10.0.0.0/8) or "loopback".`,
      );
    }
    const type = family === 4 ? "ipv4" : "ipv6";
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, bits, type);
  }
  return {
    empty: count === 0,
    has: (address) => {
      const family = isIP(address);
      return family !== 0 && list.check(address, family === 4 ? "ipv4" : "ipv6");
    },
  };
}

/**
 * One address as a proxy or the socket reports it, in a canonical form, or null when it is
 * not an IP address. Accepts `[v6]:port` and `v4:port`; an IPv4-mapped IPv6 address
 * (::ffff:192.0.2.1, what a dual-stack socket reports) becomes the IPv4 address.
 */
export function normaliseAddress(raw: string | null | undefined): string | null {
  let text = (raw ?? "").trim();
  if (text.length === 0 || text.length > MAX_ADDRESS_LENGTH + 8) return null;
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(text);
  if (bracketed) text = bracketed[1] ?? "";
  else if (/^[\d.]+:\d{1,5}$/.test(text)) text = text.slice(0, text.lastIndexOf(":"));
  if (text.length > MAX_ADDRESS_LENGTH) return null;
  const family = isIP(text);
  if (family === 0) return null;
  if (family === 4) return text;
  const lower = text.toLowerCase();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(lower);
  return mapped && isIP(mapped[1] ?? "") === 4 ? (mapped[1] as string) : lower;
}

export type AddressFacts = {
  /** The connection's peer, as our server saw it; null when unknown. */
  peer: string | null | undefined;
  forwardedFor: string | null | undefined;
  realIp: string | null | undefined;
};

/**
 * The client's address: the peer, unless the peer is a trusted proxy — then X-Forwarded-For
 * is walked from the right past trusted hops to the first address that is not one (an
 * unreadable entry stops the walk at the last good hop); X-Real-IP is used when a trusted
 * peer sends no X-Forwarded-For.
 */
export function clientAddress(facts: AddressFacts, trusted: TrustedProxies): string | null {
  const peer = normaliseAddress(facts.peer);
  if (peer === null || trusted.empty || !trusted.has(peer)) return peer;

  let forwarded = facts.forwardedFor?.trim() ?? "";
  if (forwarded.length > MAX_FORWARDED_LENGTH) {
    // Keep the right-hand end, where our proxies wrote, and drop the cut entry.
    forwarded = forwarded.slice(-MAX_FORWARDED_LENGTH);
    forwarded = forwarded.slice(forwarded.indexOf(",") + 1);
  }
  const hops = forwarded ? forwarded.split(",") : [];
  if (hops.length === 0) return normaliseAddress(facts.realIp) ?? peer;

  let client = peer;
  for (let index = hops.length - 1; index >= 0; index--) {
    const hop = normaliseAddress(hops[index]);
    if (hop === null) break;
    client = hop;
    if (!trusted.has(hop)) break;
  }
  return client;
}

let cached: { spec: string; proxies: TrustedProxies } | undefined;

/** The operator's trusted proxies, read from the environment (parsed once per value). */
export function trustedProxies(): TrustedProxies {
  const spec = process.env.OUTPORT_TRUSTED_PROXIES ?? "";
  if (cached?.spec !== spec) cached = { spec, proxies: parseTrustedProxies(spec) };
  return cached.proxies;
}
