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
    add: () =>
      'the portal takes payments online through Stripe behind the allow_online_payments switch (workspace_client_portal_settings); the host keeps no payment methods to show',
  },
  paymentGateway: {
    keep: (f) => `keep the host's payment integration (${at(f)}); the portal links to it`,
    complete: () => 'the portal takes card payments through Stripe behind allow_online_payments and records them through the adapter',
    add: () =>
      "the portal takes card payments through Stripe (the installation's keys or the workspace's own) behind the allow_online_payments switch",
  },
  savedPaymentMethods: {
    keep: (f) =>
      `the host keeps clients' mandates or saved methods (${at(f)}); they are reported, not imported: the portal keeps the methods clients save at its own provider, for autopay`,
    complete: (f) =>
      `the host keeps clients' references at a provider (${at(f)}) but no mandates; the portal keeps saved methods and SEPA mandates at its own provider`,
    add: () => 'the portal keeps the cards and SEPA mandates clients save at its payment provider, for autopay; the host keeps none',
  },
  recurringInvoices: {
    keep: (f) => `read the host's recurring invoices (${at(f)}) through the adapter to show each client what is coming next`,
    complete: (f) =>
      `read the billing periods (${at(f)}) to say when the next invoice comes; the host keeps no amount ahead, so none is shown`,
    add: () => 'nothing is shown as coming next: the host keeps no recurring invoices',
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
  serviceRequestType: {
    keep: (f) =>
      `keep the host's requestable services and their forms (${at(f)}): the portal's Service requests section lists the published ones and renders their forms through the adapter; the plugin never alters the table`,
    complete: (f) =>
      `${at(f)} may hold the requestable services: which are published and how their forms are kept must be told apart before the portal lists them`,
    add: () =>
      'the host keeps no catalogue of requests: where an adapter says what a request becomes in the host (a ticket, a proposal), the portal keeps the request types and their forms in its own tables (as for Dolibarr); otherwise the section stays off',
  },
  serviceRequest: {
    keep: (f) =>
      `write a client's request where the host's own code does (${at(f)}), through the adapter, with the answers as the host keeps them; attachments go where the host keeps them`,
    complete: (f) =>
      `${at(f)} may hold requests: how one is tied to the client and its service must be confirmed before the portal writes there`,
    add: () =>
      "the host keeps no requests: a client's request is written as the record an adapter names (a ticket, a proposal); the portal keeps only the files a client attaches where the host keeps none",
  },
  appointmentRequest: {
    keep: (f) =>
      `write a client's appointment request where the host's own code does (${at(f)}), through the adapter, so the agency confirms it in the host`,
    complete: (f) => `${at(f)} may hold appointment requests: who confirms one and where that is recorded must be answered first`,
    add: () =>
      "the host keeps no appointment requests: a client's request is written where an adapter says (a calendar event awaiting the agency); without one the Appointments section stays off, as the portal keeps no calendar of its own",
  },
  availability: {
    keep: (f) => `read when the agency can be booked from ${at(f)} through the adapter; the plugin never alters it`,
    complete: (f) => `${at(f)} may say when the agency can be booked: which rows are open to clients must be answered first`,
    add: () =>
      'the host keeps no booking hours: where an adapter reads its calendars, the portal keeps the weekly hours clients may book in its own tables (as for Dolibarr)',
  },
  booking: {
    keep: (f) =>
      `show a client's booked appointments from ${at(f)} through the adapter, and write a confirmed booking where the host's own code does`,
    complete: (f) => `${at(f)} may hold the bookings among other events: which rows are a client's appointments must be answered first`,
    add: () =>
      'the host keeps no calendar of appointments: the portal keeps none of its own, and shows no bookings until an adapter maps them',
  },
  kbArticle: {
    keep: (f) =>
      `keep the host's articles (${at(f)}): the portal's Knowledge base section shows the published ones meant for clients, read through the adapter`,
    complete: (f) =>
      `${at(f)} may hold the articles: which status means published and which audience means clients must be answered before the portal shows any`,
    add: () =>
      "the host keeps no articles: the portal's Help section stays off (it keeps only its readers' votes, never articles of its own)",
  },
  surveyTemplate: {
    keep: (f) => `keep the host's survey templates (${at(f)}): the portal asks a client the host's questions on its scale`,
    complete: (f) => `${at(f)} may hold survey templates: which one is sent and on what scale must be answered first`,
    add: () =>
      'the host has no survey templates: the portal asks its own question (a rating of 1 to 5 and a comment); no host table is created',
  },
  surveyInvitation: {
    keep: (f) => `record a survey sent to a client where the host's own code does (${at(f)}), through the adapter`,
    complete: (f) => `${at(f)} may hold survey invitations: how one is tied to the client must be confirmed first`,
    add: () =>
      "the host keeps no survey invitations: the portal invites the ticket's contact by a client notification, once per resolution",
  },
  surveyResponse: {
    keep: (f) => `write a client's answer where the host's own code does (${at(f)}), through the adapter, so the agency's reports count it`,
    complete: (f) => `${at(f)} may hold survey answers: which column is the rating and its scale must be confirmed first`,
    add: () =>
      'the host keeps no survey answers: the portal keeps them (rating, comment) in its own table, shown to the agency on its ticket and satisfaction pages',
  },
  surveyTrigger: {
    keep: (f) => `the host decides when a survey is sent (${at(f)}); the portal sends none of its own for the same event`,
    complete: (f) => `${at(f)} may say when a survey is sent: which events must be answered before the portal sends any`,
    add: () =>
      "the host sends no surveys: the portal asks when the agency resolves a ticket, once per resolution, while the workspace's Tickets section is on",
  },
  salesOrder: {
    keep: (f) =>
      `keep the host's orders (${at(f)}): the portal's Orders section lists a client's orders by status, read through the adapter; "order again" asks the agency for a new one and never writes an order itself`,
    complete: (f) => `${at(f)} may hold the client's orders: which statuses a client may see must be answered before the portal lists any`,
    add: () => "the host keeps no orders: the portal's Orders section stays off (it shows the host's orders and keeps none of its own)",
  },
  orderLine: {
    keep: (f) => `show an order's lines from ${at(f)} through the adapter`,
    complete: (f) => `${at(f)} may hold the lines of an order: which rows are titles or subtotals must be answered first`,
    add: () => 'the host keeps no order lines: an order is shown with its totals only',
  },
  shipment: {
    keep: (f) => `show an order's deliveries from ${at(f)} (carrier, tracking) through the adapter`,
    complete: (f) =>
      `${at(f)} may hold the deliveries: how a delivery is tied to its order and where the tracking number is must be answered first`,
    add: () => 'the host records no shipments: an order is shown without deliveries or tracking',
  },
  contract: {
    keep: (f) =>
      `keep the host's contracts (${at(f)}): the portal's Contracts section shows a client's contracts and their periods, read through the adapter`,
    complete: (f) =>
      `${at(f)} may hold the client's contracts: which are active, and whether templates are among them, must be answered first`,
    add: () => "the host keeps no contracts with clients: the portal's Contracts section stays off",
  },
  contractLine: {
    keep: (f) => `show what each contract includes from ${at(f)} through the adapter`,
    complete: (f) => `${at(f)} may hold what a contract includes: which lines carry an allowance (hours, units) must be answered first`,
    add: () => 'the host keeps no contract lines: a contract is shown with its period and totals only',
  },
  contractUsage: {
    keep: (f) =>
      `read what is used of each allowance per period from ${at(f)}, as the host computes it; the portal never computes its own figure beside the host's`,
    complete: (f) =>
      `${at(f)} may hold the usage per period: which unit it counts (minutes, hours, units) and which period must be answered first`,
    add: () =>
      'the host keeps no usage per period: the portal sums the time worked on a contract line over the period, as the adapter reads it',
  },
  timeEntry: {
    keep: (f) => `show the time worked behind a contract's usage from ${at(f)}, only where the agency lets clients see it`,
    complete: (f) =>
      `${at(f)} may hold the time worked: which unit its duration is in, and which entries a client may see, must be answered first`,
    add: () => 'the host records no time worked: usage is shown without the entries behind it',
  },
  asset: {
    keep: (f) =>
      `keep the host's devices (${at(f)}): the portal's Devices section lists a client's devices with their type and status, read through the adapter`,
    complete: (f) =>
      `${at(f)} may hold devices: whether they are the client's (and not the agency's own fixed assets) must be answered before the portal lists any`,
    add: () => "the host keeps no devices for clients: the portal's Devices section stays off",
  },
  documentVersion: {
    keep: (f) =>
      `keep the host's versions of a document (${at(f)}): an approval names the version decided, and the agency's next upload is the next version there`,
    complete: (f) => `${at(f)} may hold versions of documents: how the current one is told apart must be answered first`,
    add: () =>
      "the host keeps no versions of a document: the portal's Approvals section keeps each version it is given, with its fingerprint, in its own tables",
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
