// For a low-confidence pick: the runner-up and what would decide between the two. The signals one
// candidate has and the other lacks come from their own reasons; the question that settles it is
// the concept's, asked of the data or of someone who knows the CRM.
import type { ConceptFinding, ConceptId, RunnerUp } from '../report-schema.ts';
import type { DraftFinding } from './context.ts';

const DECIDING_QUESTION: Record<ConceptId, string> = {
  workspace: 'whose rows are the agencies using the CRM (the staff users belong to one of them), not their clients',
  company: 'which table the invoices, proposals and contacts point to for the client they are for',
  contact: 'which table holds the people at a client who receive proposals and would sign in',
  staffUser: "which table the CRM's own sign-in uses for its employees",
  clientCredentials: "whether the sampled values are password hashes and whether the rows are clients' own logins to this host",
  clientLoginCodes: 'which codes are issued to clients to sign in once, and expire',
  accessTokens: 'which tokens the host issues to clients for sign-in, password reset or invitation (hashed, with an expiry)',
  proposal: 'which records a client receives and accepts or declines (status values, a signature or an acceptance date)',
  quotation: 'which records a client receives as a priced quote and accepts',
  invoice: 'which records are bills to clients with an amount due and a due date',
  acceptance: 'whether the status values include accepted and declined',
  signature: 'whether the client signs online',
  publicLinks: 'whether the token opens the record without signing in',
  payment: 'which records are payments received against client invoices',
  paymentMethods: 'which list the clients choose a way to pay from',
  paymentGateway: 'which table the CRM writes when a client pays an invoice online',
  savedPaymentMethods: "which table keeps a client's mandates or saved cards to charge without asking again",
  recurringInvoices: 'which records issue an invoice to a client on a schedule, with the date of the next one',
  task: 'which records are work items that can be shown to a client',
  document: 'which files the host already shows or sends to clients (a client-visibility flag, links to clients, proposals, invoices)',
  comment: 'which messages are written on a proposal, invoice or task, by staff or by the client',
  activityLog: "which table records who did what to any kind of record, and when (not one feature's log)",
  ticket: 'which records are support requests a client opens, with a status and a conversation, not internal work items',
  ticketMessage: "which messages are the replies on a ticket, and which column marks the agency's internal notes",
  project: 'which records group the tasks done for one client, with a start and an end',
  projectPhase: "which records divide a project's tasks into stages, in order",
  serviceRequestType: 'which records are the services a client may request, each with the form the client fills in',
  serviceRequest: 'which records are the requests clients submitted from a requestable service, with their answers',
  appointmentRequest: 'which records are a client asking for a meeting at a time, before the agency confirms it',
  availability: "which records say when the agency's staff can be booked (weekly hours, days off, a calendar open to bookings)",
  booking: "which records are appointments on the agency's calendar, with a start and an end, and which of them are a client's",
  kbArticle: 'which records are help articles a client may read, with a published state and an audience',
  surveyTemplate: 'which records define the satisfaction question and its rating scale',
  surveyInvitation: 'which records say a survey was sent to a client, with its link and expiry',
  surveyResponse: "which records hold a client's rating and comment in answer to a survey",
  surveyTrigger: 'which records say which event sends a survey',
  salesOrder: "which records are a client's orders (not purchase orders to suppliers, not quotes)",
  orderLine: 'which records are the lines of an order, each with a quantity and a price',
  shipment: 'which records are deliveries of an order to the client, with a carrier or tracking number',
  contract: 'which records are agreements with one client, with a start and an end (not templates)',
  contractLine: 'which records are what a contract includes, each a service with an allowance or a price',
  contractUsage: "which records count what is used of a contract line's allowance in a period",
  timeEntry: 'which records are time worked for a client, with a duration or a start and an end',
  asset: "which records are the client's devices the agency looks after, not the agency's own assets",
  documentVersion: 'which records are the numbered versions of a document, each with its file',
  portalSettings: 'which settings switch client access per workspace',
  permissions: 'which rules say what a client may see',
};

/** A reason without its particulars: "has an amount column: total" → "has an amount column". */
function signal(reason: string): string {
  if (reason.startsWith('penalty: ')) return reason.replace(/\s*\(.*$/, '').trim();
  return reason.replace(/\s*[:(].*$/, '').trim();
}

function only(mine: string[], theirs: string[]): string[] {
  const other = new Set(theirs.map(signal));
  return [...new Set(mine.filter((r) => !other.has(signal(r))).map(signal))].slice(0, 3);
}

/** Two candidates this close are a call a person should confirm, however confident the pick. */
const CLOSE_CALL = 0.1;

/** The runner-up of a low-confidence pick or a close call; of any pick when `always` (a pick made unsure for what it is). */
export function runnerUpOf(finding: DraftFinding, always = false): RunnerUp | undefined {
  if (!finding.chosenTable) return undefined;
  const chosen = finding.candidates.find((c) => c.table === finding.chosenTable);
  const second = finding.candidates.find((c) => c.table !== finding.chosenTable);
  const close = Boolean(chosen && second && chosen.confidence - second.confidence < CLOSE_CALL);
  if (!finding.lowConfidence && !close && !always) return undefined;
  const question = DECIDING_QUESTION[finding.id];
  if (!second) {
    return { table: null, confidence: 0, decidedBy: `No other table qualified; confirm ${finding.chosenTable} by asking ${question}` };
  }
  const forPick = chosen ? only(chosen.reasons, second.reasons) : [];
  const forSecond = chosen ? only(second.reasons, chosen.reasons) : second.reasons.map(signal).slice(0, 3);
  const parts = [
    close && !finding.lowConfidence
      ? `A close call: ${finding.chosenTable} ${chosen?.confidence.toFixed(2)} against ${second.table} ${second.confidence.toFixed(2)}`
      : null,
    forPick.length > 0 ? `${finding.chosenTable} has what ${second.table} lacks: ${forPick.join('; ')}` : null,
    forSecond.length > 0 ? `${second.table} has: ${forSecond.join('; ')}` : null,
    `Decide by ${question}`,
  ].filter(Boolean);
  return { table: second.table, confidence: second.confidence, decidedBy: parts.join('. ') };
}

/**
 * Whether a candidate scored on the very reasons of the pick: the same kind of table, so the concept
 * is kept in several tables (one invitation table per kind of record), not torn between meanings.
 */
export function sameKindAsPick(finding: DraftFinding, table: string): boolean {
  const pick = finding.candidates.find((c) => c.table === finding.chosenTable);
  const other = finding.candidates.find((c) => c.table === table);
  if (!pick || !other || pick.reasons.length === 0 || pick.confidence !== other.confidence) return false;
  return [...pick.reasons].sort().join('\n') === [...other.reasons].sort().join('\n');
}

export function withRunnerUp(finding: ConceptFinding): ConceptFinding {
  const runnerUp = runnerUpOf(finding);
  return runnerUp ? { ...finding, runnerUp } : finding;
}
