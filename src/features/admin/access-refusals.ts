// The access service's refusals (core/access/access-changes.ts) in the agency's words, for
// the person-access and client-users pages alike.
import { AccessChangeRefused, HttpError } from '../../core/index.ts';

const LAST_ADMIN = 'This is the only client admin of their company. Make someone else there client admin first.';
const ROLE_GONE = 'That role no longer exists. Choose a role from the list.';

export function staffWordsFor(err: unknown): never {
  if (err instanceof AccessChangeRefused) throw err.reason === 'lastAdmin' ? new HttpError(409, LAST_ADMIN) : new HttpError(400, ROLE_GONE);
  throw err;
}
