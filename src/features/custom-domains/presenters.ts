// Rows of portal_custom_domains as the staff page shows them: the records to create at the
// agency's DNS, where the domain stands, and the forms' actions.
import { domainToUnicode } from 'node:url';
import type { RequestI18n } from '../../core/index.ts';
import { verificationRecordName } from './hostnames.ts';
import type { DomainListing } from './service.ts';

export interface DomainView {
  hostname: string;
  /** The name as people read it (`büro.example`), where it differs from the stored IDNA form. */
  displayName: string | null;
  status: string;
  verified: boolean;
  url: string | null;
  records: Array<{ type: 'CNAME' | 'TXT'; name: string; value: string }>;
  lastCheck: string | null;
  /** Where the claim of the name stands, when that is more than the status says. */
  claim: string | null;
  checkAction: string;
  removeAction: string;
}

export function presentDomain(row: DomainListing, context: { base: string; target: string; i18n: RequestI18n }): DomainView {
  const { t, fmt } = context.i18n;
  const action = `${context.base}/custom-domains/${encodeURIComponent(row.hostname)}`;
  // The Unicode form for reading (`büro.example`); DNS is asked for the stored IDNA form.
  const unicode = domainToUnicode(row.hostname);
  return {
    hostname: row.hostname,
    displayName: unicode === row.hostname ? null : unicode,
    status: t(`customDomains:status.${row.status}`),
    verified: row.status === 'verified',
    url: row.status === 'verified' ? `https://${row.hostname}/` : null,
    records: [
      { type: 'CNAME', name: row.hostname, value: context.target },
      { type: 'TXT', name: verificationRecordName(row.hostname), value: row.token },
    ],
    lastCheck: row.checked_at
      ? t('customDomains:lastCheck', {
          at: fmt.dateTime(row.checked_at),
          result: t(`customDomains:results.${row.check_result ?? 'noRecord'}`, { name: verificationRecordName(row.hostname) }),
        })
      : null,
    claim: claimNote(row, context.i18n),
    checkAction: `${action}/check`,
    removeAction: `${action}/remove`,
  };
}

/** What the page says of the name's claim: who else holds it, and until when this one keeps it. */
function claimNote(row: DomainListing, { t, fmt }: RequestI18n): string | null {
  if (row.status === 'verified' || row.status === 'superseded') return null;
  if (row.holder === 'anotherVerified') return t('customDomains:claims.anotherVerified');
  if (row.claimExpired) return t('customDomains:claims.expired', { date: fmt.dateTime(row.claimExpiresAt) });
  if (row.holder === 'this') return t('customDomains:claims.until', { date: fmt.dateTime(row.claimExpiresAt) });
  return t('customDomains:claims.another');
}
