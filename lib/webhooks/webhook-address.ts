import "server-only";
import dns from "node:dns";
import net from "node:net";
import { env } from "@/lib/env";

// A webhook makes the dashboard send requests where an admin says: to a
// loopback, link-local (the cloud metadata address among them) or private
// address, that would reach what only the dashboard's host can reach. Such
// receivers are refused unless KOBUILD_WEBHOOK_ALLOW_PRIVATE says the admin
// wants them (as the tests do, whose receivers listen on 127.0.0.1). The
// check is made when a hook is stored and again, on the addresses actually
// connected to, at each delivery: DNS may answer otherwise by then.

export type AddressKind = "loopback" | "link-local" | "private" | "unspecified";

const ranges: [AddressKind, string, number, "ipv4" | "ipv6"][] = [
  ["loopback", "127.0.0.0", 8, "ipv4"],
  ["loopback", "::1", 128, "ipv6"],
  ["unspecified", "0.0.0.0", 8, "ipv4"],
  ["unspecified", "::", 128, "ipv6"],
  // 169.254.169.254 and fd00:ec2::254 are the cloud metadata services.
  ["link-local", "169.254.0.0", 16, "ipv4"],
  ["link-local", "fe80::", 10, "ipv6"],
  ["private", "10.0.0.0", 8, "ipv4"],
  ["private", "172.16.0.0", 12, "ipv4"],
  ["private", "192.168.0.0", 16, "ipv4"],
  // Carrier-grade NAT: not on the internet either.
  ["private", "100.64.0.0", 10, "ipv4"],
  ["private", "fc00::", 7, "ipv6"],
];

const lists = new Map<AddressKind, net.BlockList>();
for (const [kind, network, prefix, family] of ranges) {
  const list = lists.get(kind) ?? new net.BlockList();
  list.addSubnet(network, prefix, family);
  lists.set(kind, list);
}

/** What kind of internal address this is, or null for a public one. An IPv4 address written as IPv6 (::ffff:a.b.c.d) is read as IPv4. */
export function internalKind(address: string): AddressKind | null {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  const ip = mapped ? mapped[1]! : address;
  const family = net.isIPv4(ip) ? "ipv4" : net.isIPv6(ip) ? "ipv6" : null;
  if (!family) return null;
  for (const [kind, list] of lists) if (list.check(ip, family)) return kind;
  return null;
}

/** Thrown when a receiver's host names an internal address: the delivery fails with its message and is not tried again. */
export class InternalAddressRefused extends Error {
  constructor(readonly host: string, readonly address: string, readonly kind: AddressKind) {
    super(
      `${host === address ? address : `${host} resolves to ${address}`}, a ${kind} address: kobuild sends webhooks to public addresses only (KOBUILD_WEBHOOK_ALLOW_PRIVATE=true allows internal ones)`,
    );
    this.name = "InternalAddressRefused";
  }
}

const hostOf = (url: string) => new URL(url).hostname.replace(/^\[(.*)\]$/, "$1");

/** Every address the host resolves to (an address literal is itself). */
export async function resolveHost(host: string): Promise<dns.LookupAddress[]> {
  return dns.promises.lookup(host, { all: true, verbatim: true });
}

/** The first internal address among them, refused; nothing when internal addresses are allowed. */
export function refuseInternal(host: string, addresses: dns.LookupAddress[]) {
  if (env().webhookAllowPrivate) return;
  for (const { address } of addresses) {
    const kind = internalKind(address);
    if (kind) throw new InternalAddressRefused(host, address, kind);
  }
}

/**
 * Why a hook's URL may not be stored, or null. A host that does not resolve
 * now is not refused for it (the receiver may not exist yet): every delivery
 * checks the addresses it connects to.
 */
export async function internalAddressProblem(url: string): Promise<string | null> {
  if (env().webhookAllowPrivate) return null;
  const host = hostOf(url);
  let addresses: dns.LookupAddress[];
  try {
    addresses = await resolveHost(host);
  } catch {
    return null;
  }
  try {
    refuseInternal(host, addresses);
    return null;
  } catch (error) {
    if (error instanceof InternalAddressRefused) return error.message;
    throw error;
  }
}

/**
 * The receiver's addresses, resolved once and checked, for a delivery: the
 * request connects to these very addresses (a `lookup` that answers them),
 * so a name cannot resolve to a public address for the check and to an
 * internal one for the connection.
 */
export async function checkedReceiver(url: string): Promise<{ lookup: net.LookupFunction }> {
  const host = hostOf(url);
  const addresses = await resolveHost(host);
  refuseInternal(host, addresses);
  const lookup = ((_hostname: string, options: dns.LookupOptions, callback: (...args: unknown[]) => void) => {
    const family = options.family === 4 || options.family === "IPv4" ? 4 : options.family === 6 || options.family === "IPv6" ? 6 : 0;
    const usable = addresses.filter((a) => family === 0 || a.family === family);
    if (usable.length === 0) {
      callback(Object.assign(new Error(`${host} has no IPv${family} address`), { code: "ENOTFOUND" }));
      return;
    }
    if (options.all) callback(null, usable);
    else callback(null, usable[0]!.address, usable[0]!.family);
  }) as unknown as net.LookupFunction;
  return { lookup };
}
