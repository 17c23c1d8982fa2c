// The decision for each concept follows from its status, as the issue states it: what the host
// fully has is kept (the plugin reads it through the adapter and never alters it), what is partial is
// completed, what is missing is added. The text says exactly what that means for this concept.
import { decision, type ConceptFinding, type ConceptId } from '../report-schema.ts';
import type { DraftFinding } from './context.ts';

type Texts = { keep: (f: DraftFinding) => string; complete: (f: DraftFinding) => string; add: (f: DraftFinding) => string };

const at = (f: DraftFinding): string => f.chosenTable ?? 'the host tables';
const readThrough =
  (port: string) =>
  (f: DraftFinding): string =>
    `read ${at(f)} through the adapter (${port}); the plugin never alters it`;
const noSource = (what: string) => (): string =>
  `nothing to read: the portal shows no ${what} for this host until an adapter provides them; no host table is created`;

const TEXTS: Record<ConceptId, Texts> = {
  workspace: {
    keep: readThrough('WorkspacesPort'),
    complete: readThrough('WorkspacesPort'),
    add: () => 'single-tenant host: the adapter presents the whole database as one workspace',
  },
  company: { keep: readThrough('ClientsPort'), complete: readThrough('ClientsPort'), add: noSource('clients') },
  contact: { keep: readThrough('ContactsPort'), complete: readThrough('ContactsPort'), add: noSource('client contacts') },
  staffUser: {
    keep: (f) => `staff stay in ${at(f)}; the portal asks the host session who is signed in (StaffPort)`,
    complete: (f) => `staff stay in ${at(f)}; the portal asks the host session who is signed in (StaffPort)`,
    add: () => 'the host must tell the portal which staff user is signed in (StaffPort); no table is created',
  },
  clientCredentials: {
    keep: (f) =>
      `keep the host's client credentials in ${at(f)} as the source of truth: the adapter verifies and changes passwords there (ClientCredentialsPort); client_users only links portal users to contacts and stores no password`,
    complete: (f) => `add password storage in client_users (argon2id) next to the sign-in columns in ${at(f)}`,
    add: () => 'add client_users (argon2id passwords, linked to host contacts by id) and client_sessions (separate portal cookie)',
  },
  clientLoginCodes: {
    keep: (f) => `keep the host's one-time codes in ${at(f)}`,
    complete: () => 'complete with client_login_codes (hashed, short-lived, attempt-limited)',
    add: () => 'add client_login_codes: one-time sign-in codes, stored hashed, short-lived, single use, attempt-limited',
  },
  accessTokens: {
    keep: (f) => `keep the host's client tokens in ${at(f)}`,
    complete: () => 'add client_user_tokens for invitations and password resets (hashed, single use); the host tokens stay as they are',
    add: () => 'add client_user_tokens for invitations and password resets (hashed, single use)',
  },
  proposal: { keep: readThrough('proposals port'), complete: readThrough('proposals port'), add: noSource('proposals') },
  quotation: { keep: readThrough('quotations port'), complete: readThrough('quotations port'), add: noSource('quotations') },
  invoice: { keep: readThrough('invoices port'), complete: readThrough('invoices port'), add: noSource('invoices') },
  acceptance: {
    keep: (f) =>
      `keep the host's decision states on ${at(f)}: a client's accept/decline is written through the adapter as the host's own status`,
    complete: (f) => `the adapter maps the host's status codes on ${at(f)} to accepted/declined before the portal offers acceptance`,
    add: () => 'add the portal acceptance flow; the decision is recorded in client_activity_logs because the host has no state for it',
  },
  signature: {
    keep: (f) => `keep the host's signature data on ${at(f)}; the portal shows it and does not sign twice`,
    complete: () => 'record who accepted and when in client_activity_logs',
    add: () => 'add acceptance by the signed-in client, recorded with time and IP in client_activity_logs (no drawn signature)',
  },
  publicLinks: {
    keep: (f) => `keep the host's share tokens on ${at(f)}; public pages resolve them through the adapter`,
    complete: () => 'public links for proposals, quotations and invoices are served by the portal; existing share tokens are kept',
    add: () => 'add public links served by the portal (tokens stored hashed); host tables are not altered',
  },
  payment: {
    keep: readThrough('invoices port'),
    complete: readThrough('invoices port'),
    add: () => 'the portal shows invoices without payment history; nothing is created',
  },
  paymentMethods: {
    keep: (f) => `keep the host's payment methods (${at(f)}) and show them on invoices`,
    complete: () => 'show the host payment methods; online payment stays behind allow_online_payments',
    add: () => 'add a payment placeholder behind the allow_online_payments switch (workspace_client_portal_settings)',
  },
  paymentGateway: {
    keep: (f) => `keep the host's payment integration (${at(f)}); the portal links to it`,
    complete: () => 'a payment placeholder behind allow_online_payments',
    add: () => 'add a payment placeholder (no provider) behind the allow_online_payments switch',
  },
  task: { keep: readThrough('tasks port'), complete: readThrough('tasks port'), add: noSource('tasks') },
  document: { keep: readThrough('documents port'), complete: readThrough('documents port'), add: noSource('documents') },
  comment: {
    keep: (f) =>
      `keep the host's comments in ${at(f)}: the adapter reads and writes them (CommentsPort) and client_comments is not created; allow_comments/allow_messaging decide what clients may use`,
    complete: () => 'complete client messaging behind allow_comments / allow_messaging',
    add: () =>
      'add client_comments for client messaging and comments, behind the allow_comments / allow_messaging switches (workspace_client_portal_settings)',
  },
  ticket: {
    keep: readThrough('TicketsPort'),
    complete: (f) => `read ${at(f)} through the adapter (TicketsPort); what the host lacks for clients stays in the portal's own tables`,
    add: noSource('support tickets'),
  },
  ticketMessage: {
    keep: (f) =>
      `read and write the ticket conversation in ${at(f)} through the adapter (TicketsPort), leaving out the agency's internal notes; the plugin never alters the table`,
    complete: (f) =>
      `read the ticket conversation in ${at(f)} through the adapter (TicketsPort); internal notes must be told apart before clients see it`,
    add: noSource('ticket conversations'),
  },
  project: {
    keep: (f) =>
      `${at(f)} holds the host's projects; the portal shows a client its projects, their progress and tasks read through the adapter (ProjectsPort)`,
    complete: (f) =>
      `read ${at(f)} through the adapter (ProjectsPort); which projects a client may see (public, linked contacts) must be told apart first`,
    add: noSource('projects'),
  },
  projectPhase: {
    keep: (f) => `${at(f)} holds the phases of a project; the portal groups a project's tasks by phase where the adapter maps it`,
    complete: (f) => `${at(f)} holds phases in part; the portal shows tasks without phases until the adapter maps them`,
    add: () => "the host has no project phases: the portal shows a project's tasks in one list; no table is created",
  },
  activityLog: {
    keep: (f) => `keep ${at(f)} for the host's own events; client actions are also written to client_activity_logs`,
    complete: () => 'client actions and sign-ins go to client_activity_logs',
    add: () => 'add client_activity_logs: every client action and sign-in event, readable by workspace admins',
  },
  portalSettings: {
    keep: (f) => `keep ${at(f)}; the plugin reads it where the adapter maps it`,
    complete: () => 'complete with workspace_client_portal_settings (switches, sign-in methods, branding)',
    add: () =>
      'add workspace_client_portal_settings: per-workspace switches (proposals, invoices, tasks, uploads, comments, messaging, payments), sign-in methods and branding, under /settings/client-portal',
  },
  permissions: {
    keep: () => 'keep the host rules; the portal policy module still scopes every load by workspace and client',
    complete: () => 'the portal policy module scopes every load by workspace and client in the query and checks each write',
    add: () => 'add the portal policy module: every load scoped by workspace and client in the query, every write authorised first',
  },
};

export function decide(finding: DraftFinding): ConceptFinding {
  const texts = TEXTS[finding.id];
  if (finding.status === 'exists') return { ...finding, decision: decision('keep', texts.keep(finding)) };
  if (finding.status === 'partial') return { ...finding, decision: decision('complete', texts.complete(finding)) };
  return { ...finding, decision: decision('add', texts.add(finding)) };
}
