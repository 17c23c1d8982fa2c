// One client act counted against two limits at once: the person's, then, only when that one lets
// it through, the company's (so a refused person does not spend the company's budget). Used where
// each act writes to the CRM and notifies the agency (a new ticket, a request sent): a form that
// says the refusal itself, in the reader's language and with when they can try again, rather than
// a bare 429.
import type { Response } from 'express';
import { portalContext, portalI18n, signedInClient } from '../web/portal-context.ts';
import type { LimitRule, RateLimiter } from './limiter.ts';
import { waitInWords } from './too-many-requests.ts';

interface PersonAndCompanyLimits {
  perPerson: LimitRule;
  perCompany: LimitRule;
  /** The i18n keys of the refusals, each given the wait as `wait`. */
  personMessage: string;
  companyMessage: string;
}

interface LimitRefusal {
  message: string;
  retryAfterSeconds: number;
}

/** Counts one act of the signed-in client; the refusal, or null when it may go. */
export async function personOrCompanyRefusal(
  limiter: RateLimiter,
  res: Response,
  limits: PersonAndCompanyLimits,
): Promise<LimitRefusal | null> {
  const { workspace } = portalContext(res);
  const { user } = signedInClient(res);
  const { t } = portalI18n(res);
  const person = await limiter.consume(limits.perPerson, `${workspace.id}:${user.id}`);
  const refused = person.allowed
    ? await limiter
        .consume(limits.perCompany, `${workspace.id}:${user.client_id}`)
        .then((company) => (company.allowed ? null : { key: limits.companyMessage, retryAfterSeconds: company.retryAfterSeconds }))
    : { key: limits.personMessage, retryAfterSeconds: person.retryAfterSeconds };
  if (!refused) return null;
  return { message: t(refused.key, { wait: waitInWords(refused.retryAfterSeconds, t) }), retryAfterSeconds: refused.retryAfterSeconds };
}
