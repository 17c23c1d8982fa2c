// Can clients sign in to the host today? Credentials are password-like columns next to an email or
// login. Where they sit decides whose they are: on the client contact or company table, or on a
// table linked to it, they are client credentials; on the staff table without a client link they
// are staff credentials and do not count. Sampled values say whether they really hold hashes.
import { hasRole } from '../recognition/column-roles.ts';
import { learnedApplies } from '../recognition/learned.ts';
import type { TableProfile } from '../recognition/schema-model.ts';
import { CLIENT_SIDE_WORDS, MACHINERY_WORDS } from '../recognition/vocabulary.ts';
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
import { checkValues, commentValues, credentialColumns, key, kindColumns, type HashSample, type Samples } from './samples.ts';
import { tokenize } from '../recognition/names.ts';
import type { RowFilter } from '../report-schema.ts';

interface Classified {
  profile: TableProfile;
  score: number;
  reasons: string[];
  side: 'client' | 'staff' | 'unknown';
  /** The rows that are client logins, when the table also holds staff. */
  rowFilter?: RowFilter;
}

// Boolean columns whose true means "an outside user" (Odoo's share, portal, external) or "staff".
const CLIENT_FLAG_WORDS = new Set(['share', 'shared', 'portal', 'external', 'client', 'customer', 'extranet', 'guest', 'kunde']);
const STAFF_FLAG_WORDS = new Set(['employee', 'internal', 'staff', 'mitarbeiter', 'salarie']);
// Values of a type/role column that mean a client user; a staff-like value must be there too.
const CLIENT_KIND_VALUES = new Set([
  'client',
  'customer',
  'portal',
  'external',
  'contact',
  'guest',
  'share',
  'extranet',
  'kunde',
  'partner',
  'clientuser',
  'customeruser',
  'portaluser',
]);

/**
 * A users table that holds staff and client users apart by a column: a boolean flag (share,
 * portal, is_external), or a type/role column whose values (check constraint, enum, sampled, or
 * listed in the column's comment)
 * include a client kind next to others. Returns the filter that selects the client users.
 */
export function clientRowFilter(profile: TableProfile, samples: Samples): { filter: RowFilter; reason: string } | null {
  for (const column of profile.table.columns) {
    if (column.category !== 'B') continue;
    const words = tokenize(column.name);
    if (words.some((w) => CLIENT_FLAG_WORDS.has(w)))
      return { filter: { [column.name]: true }, reason: `${column.name} = true marks outside (client) users` };
    if (words.some((w) => STAFF_FLAG_WORDS.has(w)))
      return { filter: { [column.name]: false }, reason: `${column.name} = false marks users who are not staff` };
  }
  for (const column of kindColumns(profile)) {
    const stated = column.enumLabels.length > 0 ? { values: column.enumLabels, source: 'enum type' } : null;
    const checked = checkValues(profile, column.name);
    const sampled = samples.kindValues.get(key(profile.qualified, column.name)) ?? null;
    // Options listed in a column comment: learned on EspoCRM's user.type (d9be55af).
    const commented = learnedApplies('espocrm') ? commentValues(column.comment) : [];
    const found =
      stated ??
      (checked.length > 0
        ? { values: checked, source: 'check constraint' }
        : sampled && sampled.length > 0
          ? { values: sampled, source: 'sampled values' }
          : commented.length > 0
            ? { values: commented, source: 'column comment' }
            : null);
    if (!found || found.values.length < 2) continue;
    const client = found.values.find(
      (v) => tokenize(v).some((w) => CLIENT_KIND_VALUES.has(w)) || CLIENT_KIND_VALUES.has(tokenize(v).join('')),
    );
    if (client)
      return {
        filter: { [column.name]: client },
        reason: `${column.name} = '${client}' marks client users (${found.source}: ${list(found.values)})`,
      };
  }
  return null;
}

// Stores of other systems' credentials: the agency's vault of its clients' hosting logins. The
// weaker words count only next to an encrypted column (client_credentials may well hold hashes).
const SECRET_STORE_WORDS = new Set(['vault', 'keychain', 'keyring', 'passwordmanager']);
const WEAK_SECRET_STORE_WORDS = new Set(['credential', 'secret', 'password', 'account']);

function hashesConfirmed(samples: Samples, profile: TableProfile): boolean {
  return (profile.roles.get('password') ?? []).some((column) => {
    const sample = samples.hashes.get(key(profile.qualified, column.name));
    return Boolean(sample && sample.filled > 0 && Object.values(sample.formats).reduce((a, b) => a + b, 0) === sample.filled);
  });
}

function secretStore(profile: TableProfile): string | null {
  const strong = profile.tokens.find((t) => SECRET_STORE_WORDS.has(t));
  if (strong) return strong;
  const weak = profile.tokens.find((t) => WEAK_SECRET_STORE_WORDS.has(t));
  const encrypted = profile.roles.get('storedSecret')?.[0];
  return weak && encrypted ? `${weak}", with the encrypted ${encrypted.name}, "` : null;
}

/** Sampled values that are ciphertext rather than hashes: the table stores secrets to read back. */
function encryptedValues(samples: Samples, profile: TableProfile): string | null {
  for (const column of profile.roles.get('password') ?? []) {
    const sample = samples.hashes.get(key(profile.qualified, column.name));
    if (!sample || sample.filled === 0) continue;
    const hashes = Object.values(sample.formats).reduce((a, b) => a + b, 0);
    if (hashes === 0 && (sample.ciphertext ?? 0) > 0)
      return `${column.name} holds encrypted values (${sample.ciphertext} of ${sample.filled} sampled look like ciphertext, none like a password hash)`;
  }
  return null;
}

const USER_WORDS = new Set(['user', 'account', 'login', 'credential', 'auth', 'member', 'identity', 'benutzer', 'utilisateur', 'usuario']);

function classify(context: FindingsContext, profile: TableProfile): Classified {
  const clientTables = clientSideTables(context);
  const staff = context.tables.get('staffUser')?.chosen;
  const link = linksTo(profile, clientTables);
  const clientWords = profile.tokens.filter((t) => CLIENT_SIDE_WORDS.has(t));
  // Someone else's secrets, kept to be read back: never anyone's login here.
  const encrypted = encryptedValues(context.samples, profile);
  if (encrypted) return { profile, score: 0.1, side: 'unknown', reasons: [`${encrypted}: a store of third-party secrets, not logins`] };
  const store = hashesConfirmed(context.samples, profile) ? null : secretStore(profile);
  if (store)
    return {
      profile,
      score: 0.15,
      side: 'unknown',
      reasons: [`named as a store of credentials ("${store}"): secrets kept for other systems, not logins to this host`],
    };
  const discriminator = link ? clientRowFilter(profile, context.samples) : null;
  if (link && discriminator) {
    return {
      profile,
      score: 0.85,
      side: 'client',
      rowFilter: discriminator.filter,
      reasons: [
        `a users table holding staff and client users apart: ${discriminator.reason}; linked to ${link.to} (${link.columns.join(', ')})`,
      ],
    };
  }
  if (clientTables.includes(profile.qualified)) {
    return { profile, score: 0.9, side: 'client', reasons: ['the client contact/company table itself holds sign-in columns'] };
  }
  if (profile.qualified === staff) {
    return link
      ? {
          profile,
          score: 0.4,
          side: 'unknown',
          reasons: [
            `the staff user table links to clients (${link.columns.join(', ')} → ${link.to}): it may also hold external client users`,
          ],
        }
      : { profile, score: 0.1, side: 'staff', reasons: ['staff credentials: the staff user table has no link to clients'] };
  }
  const userish = profile.tokens.some((t) => USER_WORDS.has(t));
  if (link && clientWords.length > 0)
    return { profile, score: 0.85, side: 'client', reasons: [`a client user table ("${clientWords[0]}") linked to ${link.to}`] };
  if (link)
    return { profile, score: 0.75, side: 'client', reasons: [`linked to the client side (${link.columns.join(', ')} → ${link.to})`] };
  if (clientWords.length > 0 && userish)
    return {
      profile,
      score: 0.55,
      side: 'client',
      reasons: [`named as client users ("${clientWords[0]}"), but no link to a client table`],
    };
  return { profile, score: 0.2, side: 'unknown', reasons: ['credentials of unknown owner: no link to the client side'] };
}

function describeHashes(sample: HashSample | null | undefined): string {
  if (sample === undefined) return 'values not sampled';
  if (sample === null) return 'values could not be read by this role';
  if (sample.rows === 0) return 'the table has no rows to sample';
  if (sample.filled === 0) return `no filled values in ${sample.rows} sampled rows`;
  const recognised = Object.values(sample.formats).reduce((a, b) => a + b, 0);
  const formats = Object.keys(sample.formats).join(', ');
  if (recognised === sample.filled) return `all ${sample.filled} filled values look like password hashes (${formats})`;
  if (recognised === 0 && (sample.ciphertext ?? 0) > 0)
    return `${sample.filled} filled values, none a password hash; ${sample.ciphertext} look like ciphertext (encrypted, reversible)`;
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
      evidence.push(
        columnEvidence(
          best.profile.qualified,
          column,
          `password-like column; ${describeHashes(context.samples.hashes.get(key(best.profile.qualified, column.name)))}`,
        ),
      );
    }
    for (const column of [...(best.profile.roles.get('login') ?? []), ...(best.profile.roles.get('email') ?? [])].slice(0, 2)) {
      evidence.push(columnEvidence(best.profile.qualified, column, 'sign-in identifier'));
    }
    const link = linksTo(best.profile, clientSideTables(context));
    if (link) evidence.push(linkEvidence(link));
    const notes: string[] = [];
    for (const other of classified.slice(1).filter((c) => c.score >= 0.3))
      notes.push(`also seen: ${other.profile.qualified} (${other.reasons.join('; ')})`);
    const status = best.profile.roles.get('status') ?? best.profile.roles.get('softDelete') ?? [];
    if (status.length > 0)
      notes.push(`sign-in should respect ${list(status.map((c) => `${best.profile.qualified}.${c.name}`))} (disabled or deleted contacts)`);
    if (best.rowFilter) {
      const [column = '', value] = Object.entries(best.rowFilter)[0] ?? [];
      const col = best.profile.table.columns.find((c) => c.name === column);
      if (col)
        evidence.push(
          columnEvidence(
            best.profile.qualified,
            col,
            `only the rows where ${column} = ${JSON.stringify(value)} are client logins; the others are staff`,
          ),
        );
      notes.push(
        `client logins are the rows of ${best.profile.qualified} where ${Object.entries(best.rowFilter)
          .map(([c, v]) => `${c} = ${JSON.stringify(v)}`)
          .join(' and ')}: an adapter claims them with that row filter (where)`,
      );
    }
    return {
      id: 'clientCredentials',
      label: 'Client sign-in credentials',
      status: 'exists',
      chosenTable: best.profile.qualified,
      confidence: round(best.score),
      lowConfidence: best.score < 0.65,
      candidates,
      ...(best.rowFilter ? { rowFilter: best.rowFilter } : {}),
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

  const evidence: Evidence[] = classified.map((c) =>
    absence(c.profile.qualified, `has sign-in columns, not counted: ${c.reasons.join('; ')}`),
  );
  const contact = chosenProfile(context, 'contact');
  if (contact) {
    const email = contact.roles.get('email')?.[0];
    evidence.push(
      absence(
        contact.qualified,
        email ? `client contacts have an email (${email.name}) but no password or login column` : 'client contacts have no sign-in columns',
      ),
    );
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

// Tables made to hold tokens (api_keys, password_resets, invitations, totp devices): there a
// plain key/token/hash/code column is the token itself.
const TOKEN_TABLE_WORDS = new Set([
  'token',
  'apikey',
  'key',
  'otp',
  'totp',
  'reset',
  'invitation',
  'invite',
  'magic',
  'verification',
  'passwordreset',
  'signin',
  'login',
  'device',
  'session',
  'remember',
]);
const TOKEN_COLUMN_NAMES = new Set(['key', 'token', 'hash', 'code', 'token_hash', 'key_hash', 'code_hash', 'digest', 'selector']);
const MAGIC_WORDS = new Set(['magic', 'login', 'signin', 'otp', 'onetime', 'passwordless']);
const HASHED_WORDS = ['hash', 'hashed', 'digest', 'sha', 'sha256', 'crypt', 'bcrypt', 'argon2'];
// Tokens that sign nobody in: a device's push address, a calendar or mail sync grant, an app-store
// receipt, a link to answer a survey or reply to an email. Never listed as access tokens.
const NOT_ACCESS_WORDS = new Set([
  'push',
  'notification',
  'calendar',
  'sync',
  'synchronization',
  'purchase',
  'iap',
  'receipt',
  'subscription',
  'survey',
  'feedback',
  'reply',
  'webhook',
  'oauth',
  'provider',
  'integration',
  'import',
  'export',
]);

/** Why a table's tokens are not access tokens for people, or null. */
function notAccess(profile: TableProfile): string | null {
  const word = profile.tokens.find((t) => NOT_ACCESS_WORDS.has(t) || MACHINERY_WORDS.has(t));
  return word ? `named for something other than signing people in ("${word}")` : null;
}

/** Sign-in, reset and invitation token columns of a table; never share tokens or stored secrets. */
function tokenColumns(profile: TableProfile): CatalogColumnLike[] {
  const share = new Set((profile.roles.get('shareToken') ?? []).map((c) => c.name));
  const columns = [...(profile.roles.get('secretToken') ?? []), ...(profile.roles.get('oneTimeCode') ?? [])].filter(
    (c) => !share.has(c.name),
  );
  if (profile.tokens.some((t) => TOKEN_TABLE_WORDS.has(t))) {
    for (const c of profile.table.columns) {
      if (c.category === 'S' && TOKEN_COLUMN_NAMES.has(c.name.toLowerCase()) && !columns.includes(c)) columns.push(c);
    }
  }
  return [...new Set(columns)];
}
type CatalogColumnLike = TableProfile['table']['columns'][number];

function isHashed(profile: TableProfile, column: CatalogColumnLike): boolean {
  const text = `${column.name} ${column.comment ?? ''} ${profile.table.comment ?? ''}`.toLowerCase();
  return HASHED_WORDS.some((w) => tokenize(text).includes(w));
}

interface TokenTable {
  profile: TableProfile;
  columns: CatalogColumnLike[];
  score: number;
  reasons: string[];
}

/**
 * Token tables tied to the client side, best first: a hashed token column, an expiry and a link to
 * the users or contacts they are for (reset, invitation, magic link, verification, API key).
 */
function clientTokenTables(
  context: FindingsContext,
  credentials: DraftFinding,
  only?: (profile: TableProfile, columns: CatalogColumnLike[]) => CatalogColumnLike[],
): { tied: TokenTable[]; other: TokenTable[] } {
  const clientTables = [...clientSideTables(context), ...(credentials.chosenTable ? [credentials.chosenTable] : [])];
  const staff = context.tables.get('staffUser')?.chosen;
  const tied: TokenTable[] = [];
  const other: TokenTable[] = [];
  // A token for a person: on the contact or login table, or linked to one (a company alone is not a person).
  // Both learned on Alga PSA (f175bf0a).
  const signsPeopleIn = learnedApplies('alga-psa');
  const people = signsPeopleIn
    ? [chosenProfile(context, 'contact')?.qualified, credentials.chosenTable].filter((t): t is string => Boolean(t))
    : [];
  for (const profile of context.model.profiles) {
    if (profile.tokens.some((t) => SECRET_STORE_WORDS.has(t))) continue;
    if (signsPeopleIn && notAccess(profile)) continue;
    const all = tokenColumns(profile);
    const columns = only ? only(profile, all) : all;
    if (columns.length === 0) continue;
    const onClientTable = clientTables.includes(profile.qualified);
    const link = linksTo(
      profile,
      (people.length > 0 ? people : clientTables).filter((t) => t !== profile.qualified),
    );
    const isStaffOnly = profile.qualified === staff && !clientTables.includes(profile.qualified);
    // A token on an invoice or proposal row opens or pays that record; only a users/contacts table
    // or a table made for tokens holds sign-in, reset and invitation tokens.
    const tokenTable = profile.tokens.some((t) => TOKEN_TABLE_WORDS.has(t));
    if ((!onClientTable && !(link && tokenTable)) || isStaffOnly) {
      other.push({ profile, columns, score: 0.15, reasons: [`token columns (${list(columns.map((c) => c.name))}) not tied to clients`] });
      continue;
    }
    const reasons = [
      `token columns ${list(columns.map((c) => c.name))} ${onClientTable ? 'on the client table' : `linked to ${link?.to} (${link?.columns.join(', ')})`}`,
    ];
    let score = 0.5;
    const hashed = columns.find((c) => isHashed(profile, c));
    if (hashed) {
      score += 0.15;
      reasons.push(`${hashed.name} is stored hashed`);
    }
    const expiry = profile.roles.get('expiresAt')?.[0];
    if (expiry) {
      score += 0.15;
      reasons.push(`expires (${expiry.name})`);
    }
    if (!onClientTable && link) {
      score += 0.1;
      reasons.push('a table of its own, one row per token');
    }
    tied.push({ profile, columns, score: round(score), reasons });
  }
  const order = (a: TokenTable, b: TokenTable) => b.score - a.score || (a.profile.qualified < b.profile.qualified ? -1 : 1);
  return { tied: tied.sort(order), other: other.sort(order) };
}

/** One-time sign-in codes or magic links for clients: a code (or magic-link token) tied to the client side. */
export function clientLoginCodesFinding(context: FindingsContext, credentials: DraftFinding): DraftFinding {
  const { tied, other } = clientTokenTables(context, credentials, (profile, columns) =>
    columns.filter(
      (c) =>
        (profile.roles.get('oneTimeCode') ?? []).includes(c) ||
        (tokenize(c.name).some((w) => MAGIC_WORDS.has(w)) && hasRole(profile.roles, 'expiresAt')),
    ),
  );
  const candidates: Candidate[] = [...tied, ...other].map((t) => ({ table: t.profile.qualified, confidence: t.score, reasons: t.reasons }));
  const lookedAt =
    'columns named like otp, one-time/login/verification codes or magic-link tokens with an expiry, on or linked to the client tables (encrypted secrets and share tokens set aside)';
  const best = tied[0];
  if (best && best.score >= 0.45) {
    const evidence = tied.flatMap((t) => t.columns.map((c) => columnEvidence(t.profile.qualified, c, 'one-time code or sign-in token')));
    return {
      id: 'clientLoginCodes',
      label: 'One-time sign-in codes for clients',
      status: 'exists',
      chosenTable: best.profile.qualified,
      confidence: best.score,
      lowConfidence: best.score < 0.65,
      candidates,
      evidence,
      notes: [],
      lookedAt,
    };
  }
  return {
    id: 'clientLoginCodes',
    label: 'One-time sign-in codes for clients',
    status: 'missing',
    chosenTable: null,
    confidence: 0,
    lowConfidence: false,
    candidates,
    evidence: candidates.map((c) => absence(c.table, c.reasons.join('; '))),
    notes: [],
    lookedAt,
  };
}

/** Any token machinery: client reset/invite/sign-in tokens (exists), only share or staff tokens (partial). */
export function accessTokensFinding(context: FindingsContext, credentials: DraftFinding): DraftFinding {
  const { tied, other } = clientTokenTables(context, credentials);
  const staff = context.tables.get('staffUser')?.chosen;
  const candidates: Candidate[] = tied.map((t) => ({ table: t.profile.qualified, confidence: t.score, reasons: t.reasons }));
  const clientSide: Evidence[] = tied.flatMap((t) =>
    t.columns.map((c) => columnEvidence(t.profile.qualified, c, 'client sign-in/reset token')),
  );
  const others: Evidence[] = other.flatMap((t) =>
    t.columns.map((c) => columnEvidence(t.profile.qualified, c, t.profile.qualified === staff ? 'staff token' : 'token')),
  );
  for (const profile of context.model.profiles) {
    for (const column of profile.roles.get('shareToken') ?? [])
      others.push(columnEvidence(profile.qualified, column, 'share token for public links'));
  }
  const lookedAt =
    'token, api key, reset/verification key, otp and code columns (a hashed token with an expiry and a user link ranks first), and share tokens, in every host table; encrypted secrets set aside';
  const label = 'Token generation (reset, invitation, sign-in links)';
  const best = tied[0];
  if (best) {
    return {
      id: 'accessTokens',
      label,
      status: 'exists',
      chosenTable: best.profile.qualified,
      confidence: best.score,
      lowConfidence: best.score < 0.65,
      candidates,
      evidence: [...clientSide, ...others].slice(0, 12),
      notes: [],
      lookedAt,
    };
  }
  if (others.length > 0) {
    return {
      id: 'accessTokens',
      label,
      status: 'partial',
      chosenTable: tableOf(others[0]),
      confidence: 0.6,
      lowConfidence: true,
      candidates: [],
      evidence: others,
      notes: ['tokens exist, but none for client sign-in, invitation or password reset'],
      lookedAt,
    };
  }
  return {
    id: 'accessTokens',
    label,
    status: 'missing',
    chosenTable: null,
    confidence: 0,
    lowConfidence: false,
    candidates: [],
    evidence: [absence(`${context.model.profiles.length} host tables`, 'no token-like columns')],
    notes: [],
    lookedAt,
  };
}

function tableOf(evidence: Evidence | undefined): string | null {
  if (!evidence) return null;
  const parts = evidence.ref.split('.');
  return parts.length >= 3 ? parts.slice(0, -1).join('.') : evidence.ref;
}
