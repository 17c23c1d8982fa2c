// Can clients sign in to the host today? Credentials are password-like columns next to an email or
// login. Where they sit decides whose they are: on the client contact or company table, or on a
// table linked to it, they are client credentials; on the staff table without a client link they
// are staff credentials and do not count. Sampled values say whether they really hold hashes.
import { hasRole } from '../recognition/column-roles.ts';
import type { TableProfile } from '../recognition/schema-model.ts';
import { CLIENT_SIDE_WORDS } from '../recognition/vocabulary.ts';
import type { Candidate, Evidence } from '../report-schema.ts';
import {
  absence,
  chosenProfile,
  clientSideTables,
  columnEvidence,
  linkEvidence,
  linksTo,
  list,
  round,
  type DraftFinding,
  type FindingsContext,
} from './context.ts';
import { credentialColumns, key, type HashSample } from './samples.ts';

interface Classified {
  profile: TableProfile;
  score: number;
  reasons: string[];
  side: 'client' | 'staff' | 'unknown';
}

const USER_WORDS = new Set(['user', 'account', 'login', 'credential', 'auth', 'member', 'identity', 'benutzer', 'utilisateur', 'usuario']);

function classify(context: FindingsContext, profile: TableProfile): Classified {
  const clientTables = clientSideTables(context);
  const staff = context.tables.get('staffUser')?.chosen;
  const link = linksTo(profile, clientTables);
  const clientWords = profile.tokens.filter((t) => CLIENT_SIDE_WORDS.has(t));
  if (clientTables.includes(profile.qualified)) {
    return { profile, score: 0.9, side: 'client', reasons: ['the client contact/company table itself holds sign-in columns'] };
  }
  if (profile.qualified === staff) {
    return link
      ? { profile, score: 0.4, side: 'unknown', reasons: [`the staff user table links to clients (${link.columns.join(', ')} → ${link.to}): it may also hold external client users`] }
      : { profile, score: 0.1, side: 'staff', reasons: ['staff credentials: the staff user table has no link to clients'] };
  }
  const userish = profile.tokens.some((t) => USER_WORDS.has(t));
  if (link && clientWords.length > 0) return { profile, score: 0.85, side: 'client', reasons: [`a client user table ("${clientWords[0]}") linked to ${link.to}`] };
  if (link) return { profile, score: 0.75, side: 'client', reasons: [`linked to the client side (${link.columns.join(', ')} → ${link.to})`] };
  if (clientWords.length > 0 && userish) return { profile, score: 0.55, side: 'client', reasons: [`named as client users ("${clientWords[0]}"), but no link to a client table`] };
  return { profile, score: 0.2, side: 'unknown', reasons: ['credentials of unknown owner: no link to the client side'] };
}

export function describeHashes(sample: HashSample | null | undefined): string {
  if (sample === undefined) return 'values not sampled';
  if (sample === null) return 'values could not be read by this role';
  if (sample.filled === 0) return `no filled values in ${sample.rows} sampled rows`;
  const recognised = Object.values(sample.formats).reduce((a, b) => a + b, 0);
  const formats = Object.keys(sample.formats).join(', ');
  if (recognised === sample.filled) return `all ${sample.filled} filled values look like password hashes (${formats})`;
  if (recognised === 0) return `${sample.filled} filled values, none in a recognised hash format (plain text or custom hashing?)`;
  return `${recognised} of ${sample.filled} filled values look like password hashes (${formats})`;
}

export function clientCredentialsFinding(context: FindingsContext): DraftFinding {
  const byTable = new Map<string, TableProfile>();
  for (const { profile } of credentialColumns(context.model)) byTable.set(profile.qualified, profile);
  const classified = [...byTable.values()].map((p) => classify(context, p));

  for (const c of classified) {
    for (const column of c.profile.roles.get('password') ?? []) {
      const sample = context.samples.hashes.get(key(c.profile.qualified, column.name));
      if (!sample || sample.filled === 0) continue;
      const recognised = Object.values(sample.formats).reduce((a, b) => a + b, 0);
      if (recognised === sample.filled) {
        c.score += 0.05;
        c.reasons.push(`${column.name} holds password hashes`);
      }
    }
  }
  classified.sort((a, b) => b.score - a.score || (a.profile.qualified < b.profile.qualified ? -1 : 1));
  const candidates: Candidate[] = classified.map((c) => ({ table: c.profile.qualified, confidence: round(c.score), reasons: c.reasons }));

  const lookedAt =
    `password-like columns (password, pass, pwd, pass_crypted, passwort, mot_de_passe, ...) next to an email or login, in ${context.model.profiles.length} host tables` +
    (classified.length > 0 ? `; found on ${list(classified.map((c) => c.profile.qualified))}` : '; none found');

  const best = classified[0];
  if (best && best.score >= 0.45 && best.side === 'client') {
    const evidence: Evidence[] = [];
    for (const column of best.profile.roles.get('password') ?? []) {
      evidence.push(columnEvidence(best.profile.qualified, column, `password-like column; ${describeHashes(context.samples.hashes.get(key(best.profile.qualified, column.name)))}`));
    }
    for (const column of [...(best.profile.roles.get('login') ?? []), ...(best.profile.roles.get('email') ?? [])].slice(0, 2)) {
      evidence.push(columnEvidence(best.profile.qualified, column, 'sign-in identifier'));
    }
    const link = linksTo(best.profile, clientSideTables(context));
    if (link) evidence.push(linkEvidence(link));
    const notes: string[] = [];
    for (const other of classified.slice(1).filter((c) => c.score >= 0.3)) notes.push(`also seen: ${other.profile.qualified} (${other.reasons.join('; ')})`);
    const status = best.profile.roles.get('status') ?? best.profile.roles.get('softDelete') ?? [];
    if (status.length > 0) notes.push(`sign-in should respect ${list(status.map((c) => `${best.profile.qualified}.${c.name}`))} (disabled or deleted contacts)`);
    return {
      id: 'clientCredentials',
      label: 'Client sign-in credentials',
      status: 'exists',
      chosenTable: best.profile.qualified,
      confidence: round(best.score),
      lowConfidence: best.score < 0.65,
      candidates,
      evidence,
      notes,
      lookedAt,
    };
  }

  // Client-side sign-in without a password column: a login name or a portal-access switch.
  for (const table of clientSideTables(context)) {
    const profile = context.model.byName.get(table);
    if (!profile) continue;
    const partial = [...(profile.roles.get('login') ?? []), ...(profile.roles.get('portalFlag') ?? [])];
    if (partial.length > 0) {
      return {
        id: 'clientCredentials',
        label: 'Client sign-in credentials',
        status: 'partial',
        chosenTable: table,
        confidence: 0.5,
        lowConfidence: true,
        candidates,
        evidence: partial.map((c) => columnEvidence(table, c, 'client sign-in related column, but no password column next to it')),
        notes: [],
        lookedAt,
      };
    }
  }

  const evidence: Evidence[] = classified.map((c) => absence(c.profile.qualified, `has sign-in columns, not counted: ${c.reasons.join('; ')}`));
  const contact = chosenProfile(context, 'contact');
  if (contact) {
    const email = contact.roles.get('email')?.[0];
    evidence.push(absence(contact.qualified, email ? `client contacts have an email (${email.name}) but no password or login column` : 'client contacts have no sign-in columns'));
  }
  return {
    id: 'clientCredentials',
    label: 'Client sign-in credentials',
    status: 'missing',
    chosenTable: null,
    confidence: 0,
    lowConfidence: false,
    candidates,
    evidence,
    notes: [],
    lookedAt,
  };
}

/** One-time sign-in codes or magic links for clients: a code/token with an expiry, tied to the client side. */
export function clientLoginCodesFinding(context: FindingsContext, credentials: DraftFinding): DraftFinding {
  const clientTables = [...clientSideTables(context), ...(credentials.chosenTable ? [credentials.chosenTable] : [])];
  const candidates: Candidate[] = [];
  const evidence: Evidence[] = [];
  for (const profile of context.model.profiles) {
    const codes = profile.roles.get('oneTimeCode') ?? [];
    const tokens = (profile.roles.get('secretToken') ?? []).filter(() => hasRole(profile.roles, 'expiresAt'));
    const columns = [...codes, ...tokens.filter((t) => !codes.includes(t))];
    if (columns.length === 0) continue;
    const onClientTable = clientTables.includes(profile.qualified);
    const link = linksTo(profile, clientTables);
    if (!onClientTable && !link) {
      candidates.push({ table: profile.qualified, confidence: 0.15, reasons: [`code/token columns (${list(columns.map((c) => c.name))}) not tied to clients`] });
      continue;
    }
    const score = codes.length > 0 ? 0.8 : 0.6;
    candidates.push({ table: profile.qualified, confidence: score, reasons: [`code/token columns ${list(columns.map((c) => c.name))} ${onClientTable ? 'on the client table' : `linked to ${link?.to}`}`] });
    for (const c of columns) evidence.push(columnEvidence(profile.qualified, c, 'one-time code or sign-in token'));
  }
  candidates.sort((a, b) => b.confidence - a.confidence || (a.table < b.table ? -1 : 1));
  const lookedAt = 'columns named like otp, one-time/login/verification codes, magic links or tokens with an expiry, on or linked to the client tables';
  const best = candidates[0];
  if (best && best.confidence >= 0.45) {
    return { id: 'clientLoginCodes', label: 'One-time sign-in codes for clients', status: 'exists', chosenTable: best.table, confidence: best.confidence, lowConfidence: best.confidence < 0.65, candidates, evidence, notes: [], lookedAt };
  }
  return { id: 'clientLoginCodes', label: 'One-time sign-in codes for clients', status: 'missing', chosenTable: null, confidence: 0, lowConfidence: false, candidates, evidence: candidates.map((c) => absence(c.table, c.reasons.join('; '))), notes: [], lookedAt };
}

/** Any token machinery: client reset/invite/sign-in tokens (exists), only share or staff tokens (partial). */
export function accessTokensFinding(context: FindingsContext, credentials: DraftFinding): DraftFinding {
  const clientTables = [...clientSideTables(context), ...(credentials.chosenTable ? [credentials.chosenTable] : [])];
  const staff = context.tables.get('staffUser')?.chosen;
  const clientSide: Evidence[] = [];
  const other: Evidence[] = [];
  for (const profile of context.model.profiles) {
    const columns = [...new Set([...(profile.roles.get('secretToken') ?? []), ...(profile.roles.get('oneTimeCode') ?? []), ...(profile.roles.get('shareToken') ?? [])])];
    for (const column of columns) {
      const isShare = (profile.roles.get('shareToken') ?? []).includes(column);
      const tiedToClient = clientTables.includes(profile.qualified) || Boolean(linksTo(profile, clientTables));
      if (!isShare && tiedToClient && profile.qualified !== staff) clientSide.push(columnEvidence(profile.qualified, column, 'client sign-in/reset token'));
      else other.push(columnEvidence(profile.qualified, column, isShare ? 'share token for public links' : profile.qualified === staff ? 'staff token' : 'token'));
    }
  }
  const lookedAt = 'token, secret, api key, share, securekey, otp and code columns in every host table';
  if (clientSide.length > 0) {
    return { id: 'accessTokens', label: 'Token generation (reset, invitation, sign-in links)', status: 'exists', chosenTable: tableOf(clientSide[0]), confidence: 0.7, lowConfidence: false, candidates: [], evidence: [...clientSide, ...other], notes: [], lookedAt };
  }
  if (other.length > 0) {
    return { id: 'accessTokens', label: 'Token generation (reset, invitation, sign-in links)', status: 'partial', chosenTable: tableOf(other[0]), confidence: 0.6, lowConfidence: true, candidates: [], evidence: other, notes: ['tokens exist, but none for client sign-in, invitation or password reset'], lookedAt };
  }
  return { id: 'accessTokens', label: 'Token generation (reset, invitation, sign-in links)', status: 'missing', chosenTable: null, confidence: 0, lowConfidence: false, candidates: [], evidence: [absence(`${context.model.profiles.length} host tables`, 'no token-like columns')], notes: [], lookedAt };
}

function tableOf(evidence: Evidence | undefined): string | null {
  if (!evidence) return null;
  const parts = evidence.ref.split('.');
  return parts.length >= 3 ? parts.slice(0, -1).join('.') : evidence.ref;
}
