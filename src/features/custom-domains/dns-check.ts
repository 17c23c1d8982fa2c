// Asks DNS whether a domain carries its verification token. The resolver is injected: production
// asks the servers in config.customDomains.resolvers (or the system's), tests a DNS server of their
// own on 127.0.0.1. Asking a named server rather than the machine's cache means "Check now" sees a
// record as soon as the agency's DNS serves it, and the tests run against real DNS packets.
import { Resolver } from 'node:dns/promises';
import { verificationRecordName } from './hostnames.ts';

/** The TXT records at a name, each as the strings it is made of (as node's resolveTxt answers). */
export type TxtLookup = (name: string) => Promise<string[][]>;

/** What a check found; each is a key of the feature's messages (customDomains:results.*). */
export type CheckResult = 'verified' | 'noRecord' | 'wrongToken' | 'dnsError';

const NOT_THERE = new Set(['ENODATA', 'ENOTFOUND', 'NXDOMAIN']);

/** A TXT lookup through node's resolver, at the given servers (`address` or `address:port`) or the system's. */
export function dnsTxtLookup(servers: readonly string[], timeoutMs = 3_000): TxtLookup {
  const resolver = new Resolver({ timeout: timeoutMs, tries: 2 });
  if (servers.length > 0) resolver.setServers([...servers]);
  return (name) => resolver.resolveTxt(name);
}

/** Whether `_portal-verify.<hostname>` holds the token (a record split in strings counts joined). */
export async function checkVerificationRecord(lookup: TxtLookup, hostname: string, token: string): Promise<CheckResult> {
  let records: string[][];
  try {
    records = await lookup(verificationRecordName(hostname));
  } catch (err) {
    const code = (err as { code?: string }).code;
    return code && NOT_THERE.has(code) ? 'noRecord' : 'dnsError';
  }
  if (records.length === 0) return 'noRecord';
  return records.some((parts) => parts.join('').trim() === token) ? 'verified' : 'wrongToken';
}
