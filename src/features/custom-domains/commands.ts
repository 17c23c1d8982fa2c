// What the custom domains page accepts. The host name is checked for shape here and normalised
// (IDNA, case) by the service, which also answers the refusals that need the database.
import { z } from 'zod';
import { normaliseHostname } from './hostnames.ts';

const HOSTNAME_MESSAGE = 'Enter a domain name, like portal.example.com.';

export const AddDomainCommand = z.object({
  hostname: z.string({ error: HOSTNAME_MESSAGE }).trim().min(1, HOSTNAME_MESSAGE).max(253, HOSTNAME_MESSAGE),
});
export type AddDomainInput = z.infer<typeof AddDomainCommand>;

/** The forms with nothing but their CSRF token: Check now, Remove. */
export const DomainActionCommand = z.object({});

/** A domain in a path, as it is stored; anything else is a page that does not exist. */
export const HostnameParam = z.string().transform((value, ctx) => {
  const hostname = normaliseHostname(value);
  if (hostname !== value) {
    ctx.addIssue({ code: 'custom', message: 'not a stored host name' });
    return z.NEVER;
  }
  return hostname;
});

const NOTICES = ['added', 'addedWaiting', 'verified', 'heldElsewhere', 'failed', 'removed'] as const;
export type DomainNotice = (typeof NOTICES)[number];

export const DomainsQuery = z.object({
  // Only a fixed key is read; an unknown one shows no notice.
  notice: z
    .unknown()
    .optional()
    .transform((value) => NOTICES.find((notice) => notice === value)),
});
export type DomainsQueryInput = z.infer<typeof DomainsQuery>;
