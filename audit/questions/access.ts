// A. Client credentials and access.
import { tablesCreatedFor } from '../plugin-plan.ts';
import { PORTAL_WORDS } from '../recognition/vocabulary.ts';
import type { Answer, Evidence, Status } from '../report-schema.ts';
import { answer, concept, decisionFor, evidenceOf, routesEvidence, served, type AnswerContext } from './answer-context.ts';
import { clientSignOnAnswer } from './client-sign-on.ts';

export function accessAnswers(context: AnswerContext): Answer[] {
  const credentials = concept(context, 'clientCredentials');
  const codes = concept(context, 'clientLoginCodes');
  const staff = concept(context, 'staffUser');
  const settings = concept(context, 'portalSettings');
  const loginRoutes = ['/login', '/client/login', '/portal/login'];

  // A1: credentials in the schema decide; a sign-in page alone is only partial evidence.
  const signInPageOnly = credentials.status === 'missing' && ['/client/login', '/portal/login'].some((p) => served(context, p));
  const a1Answer = answer(
    'A1',
    'Does the CRM support client login?',
    signInPageOnly ? 'partial' : credentials.status,
    [...evidenceOf(credentials), ...routesEvidence(context, loginRoutes)],
    signInPageOnly
      ? {
          kind: 'complete',
          text: 'a client sign-in page answers, but no client credentials were found in the schema (stored elsewhere?); the portal adds client_users linked to host contacts',
        }
      : credentials.decision,
    ['clientCredentials'],
  );

  // A2: separate from staff when client credentials sit anywhere but the staff table.
  const staffTable = staff.chosenTable;
  let a2: Status = 'missing';
  const a2Evidence: Evidence[] = [];
  if (credentials.status === 'exists' && credentials.chosenTable === staffTable && credentials.rowFilter) {
    // Staff and clients share one users table, told apart by a column: a user type of their own.
    a2 = 'exists';
    const [column = '', value] = Object.entries(credentials.rowFilter)[0] ?? [];
    a2Evidence.push({
      kind: 'column',
      ref: `${staffTable}.${column}`,
      detail: `client users are the rows where ${column} = ${JSON.stringify(value)}; the others are staff`,
    });
  } else if (credentials.status === 'exists' && credentials.chosenTable !== staffTable) {
    a2 = 'exists';
    a2Evidence.push({ kind: 'table', ref: credentials.chosenTable ?? '', detail: 'clients sign in from their own table' });
    if (staffTable) a2Evidence.push({ kind: 'table', ref: staffTable, detail: 'staff users are kept apart' });
  } else if (credentials.candidates.some((c) => c.table === staffTable && c.confidence >= 0.3)) {
    a2 = 'partial';
    a2Evidence.push({
      kind: 'table',
      ref: staffTable ?? '',
      detail: 'clients could only be staff-table rows linked to a company (external users)',
    });
  } else {
    a2Evidence.push({
      kind: 'absence',
      ref: staffTable ?? 'staff users',
      detail: staffTable ? 'only staff users have sign-in columns' : 'no user table with sign-in columns',
    });
  }
  const a2Answer = answer(
    'A2',
    'Are clients a separate user type?',
    a2,
    a2Evidence,
    decisionFor(a2, {
      keep: `keep clients as the separate user type the host already has (${credentials.chosenTable}); staff accounts are never used for clients`,
      complete: 'client_users gives clients a user type of their own, linked to host contacts; staff accounts are untouched',
      add: `add client_users: a client user type of its own, linked to host contacts by id${staffTable ? `; staff accounts in ${staffTable} are untouched` : ''}`,
    }),
    ['clientCredentials', 'staffUser'],
  );

  // A3: a table or field meant for client access.
  let a3: Status = 'missing';
  const a3Evidence: Evidence[] = [];
  if (settings.status === 'exists') {
    a3 = 'exists';
    a3Evidence.push(...settings.evidence.filter((e) => e.kind !== 'absence'));
  }
  if (credentials.status !== 'missing') {
    a3 = 'exists';
    a3Evidence.push(...credentials.evidence.filter((e) => e.kind === 'column'));
  }
  // The host's own client-portal tables (portal_invitations, client_portal_visibility_groups): named
  // for the portal and tied to the client side, they say the host already has one.
  const hostPortal = hostPortalTables(context);
  if (hostPortal.length > 0) {
    a3 = 'exists';
    a3Evidence.push(...hostPortal);
  }
  const visibility = settings.evidence.filter((e) => e.kind === 'column');
  if (a3 === 'missing' && visibility.length > 0) {
    a3 = 'partial';
    a3Evidence.push(...visibility);
  }
  if (a3Evidence.length === 0)
    a3Evidence.push({
      kind: 'absence',
      ref: 'host tables',
      detail: `no portal table, client sign-in column or client-visibility field; looked at ${settings.lookedAt}`,
    });
  // The tables the plan lists: none for comments when the host keeps its own (see plugin-plan.ts).
  const comments = concept(context, 'comment');
  const hostKeeps = new Set(comments.status === 'exists' && !comments.lowConfidence ? ['comment'] : []);
  const portalTables = tablesCreatedFor(hostKeeps).join(', ');
  const a3Answer = answer(
    'A3',
    'Is there a client-portal table or field?',
    a3,
    a3Evidence,
    decisionFor(a3, {
      keep: "keep the host's client-access fields; the portal adds only its own tables next to them (see the plan below)",
      complete: `add the portal tables (${portalTables}); the existing field${visibility.length === 1 ? '' : 's'} (${visibility.map((e) => e.ref).join(', ')}) ${visibility.length === 1 ? 'is' : 'are'} honoured through the adapter`,
      add: `add the portal tables: ${portalTables}`,
    }),
    ['portalSettings', 'clientCredentials'],
  );

  // A4: the two sign-in methods the portal offers, answered separately.
  const password = credentials.status;
  const a4a = answer(
    'A4a',
    'Do clients have password login?',
    password,
    evidenceOf(credentials),
    decisionFor(password, {
      keep: `keep the host's client passwords (${credentials.chosenTable}); the adapter verifies them; login_with_password stays on`,
      complete: 'add password sign-in through client_users (argon2id), switched by login_with_password',
      add: 'add password sign-in: client_users.password_hash (argon2id), switched per workspace by login_with_password',
    }),
    ['clientCredentials'],
  );
  const a4b = answer(
    'A4b',
    'Do clients have one-time-code login?',
    codes.status,
    evidenceOf(codes),
    decisionFor(codes.status, {
      keep: `keep the host's one-time codes (${codes.chosenTable})`,
      complete: 'complete with client_login_codes, switched by login_with_code',
      add: 'add one-time-code sign-in: client_login_codes (hashed, short-lived, attempt-limited), switched per workspace by login_with_code',
    }),
    ['clientLoginCodes'],
  );

  return [a1Answer, a2Answer, a3Answer, a4a, a4b, clientSignOnAnswer(context)];
}

function hostPortalTables(context: AnswerContext): Evidence[] {
  const clientTables = (['company', 'contact', 'clientCredentials'] as const)
    .map((id) => concept(context, id).chosenTable)
    .filter((t): t is string => Boolean(t));
  const found: Evidence[] = [];
  for (const profile of context.model.profiles) {
    const word = profile.tokens.find((t) => PORTAL_WORDS.has(t));
    if (!word) continue;
    const link = profile.outgoing.find((l) => clientTables.includes(l.to));
    if (link)
      found.push({
        kind: 'table',
        ref: profile.qualified,
        detail: `a client-portal table of the host's own ("${word}"), tied to clients (${link.columns.join(', ')} → ${link.to})`,
      });
  }
  return found.slice(0, 6);
}
