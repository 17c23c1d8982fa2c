// B15 to B18: what the client already has with the agency. Orders and their deliveries, contracts
// and what is used of them, the devices the agency looks after, and versions of shared work a client
// approves. What the schema cannot say (which status a client may see, which unit a duration is in,
// whether an asset is the client's or the agency's own, how a delivery is tied to its order) is asked
// before each section is switched on, never guessed. Where the host keeps nothing, the answer says so.
import type { TableProfile } from '../recognition/schema-model.ts';
import type { Answer, ConceptFinding, Evidence, Status } from '../report-schema.ts';
import { answer, concept, decisionFor, evidenceOf, type AnswerContext } from './answer-context.ts';
import { clientLink, numbered, profileOf, stateQuestion, statusOf, unsureNote, valuesQuestion } from './sections.ts';

/** A column whose name says it, on a chosen table. */
function columnNamed(profile: TableProfile | undefined, pattern: RegExp) {
  return profile?.table.columns.find((c) => pattern.test(c.name));
}

/** How one chosen table reaches another: a key of its own, or a table linking the two. */
function tie(context: AnswerContext, from: TableProfile | undefined, to: ConceptFinding): string | null {
  if (!from || !to.chosenTable) return null;
  const direct = from.outgoing.find((l) => l.to === to.chosenTable);
  if (direct) return `${from.qualified}.${direct.columns.join(', ')} → ${to.chosenTable}`;
  // A table of links between the two, named for the other side where one is (asset_ticket_associations
  // rather than a device's service history that also names tickets).
  const target = context.model.byName.get(to.chosenTable);
  const bridges = from.incoming
    .map((l) => context.model.byName.get(l.from))
    .filter((b): b is TableProfile => Boolean(b?.outgoing.some((l) => l.to === to.chosenTable)));
  const rank = (b: TableProfile) => (b.tokens.some((t) => target?.tokens.includes(t)) ? 2 : 0) + (b.linkShaped ? 1 : 0);
  const best = bridges.sort((a, b) => rank(b) - rank(a) || (a.qualified < b.qualified ? -1 : 1))[0];
  return best ? `through ${best.qualified}` : null;
}

function ordersAnswer(context: AnswerContext): Answer {
  const orders = concept(context, 'salesOrder');
  const lines = concept(context, 'orderLine');
  const shipments = concept(context, 'shipment');
  const login = concept(context, 'clientCredentials');
  const orderProfile = profileOf(context, orders);
  const shipmentProfile = profileOf(context, shipments);
  const evidence: Evidence[] = [...evidenceOf(orders, 4), ...evidenceOf(lines, 3), ...evidenceOf(shipments, 4)];
  const status = statusOf([orders, lines, login], [orders, lines, shipments]);
  const toOrder = tie(context, shipmentProfile, orders);
  if (shipmentProfile && orders.chosenTable && !toOrder)
    evidence.push({
      kind: 'absence',
      ref: shipmentProfile.qualified,
      detail: `no key or link table ties a delivery to its order in ${orders.chosenTable}`,
    });
  const tracking = columnNamed(shipmentProfile, /tracking/);
  const questions = numbered([
    unsureNote([orders, lines, shipments]),
    orderProfile ? stateQuestion(orderProfile, 'draft, confirmed, shipped, closed and cancelled (and which a client may see)') : null,
    orderProfile && !clientLink(context, orderProfile) ? `how an order of ${orderProfile.qualified} is tied to the client's company` : null,
    shipmentProfile
      ? toOrder
        ? `whether every delivery of an order is found ${toOrder}`
        : `how a delivery of ${shipmentProfile.qualified} is tied to its order (no key says it: a table of links between records, or the order's reference?)`
      : null,
    tracking ? `which carrier ${shipmentProfile?.qualified}.${tracking.name} belongs to, and the address a tracking number opens` : null,
    orderProfile
      ? `whether "order again" should ask for a proposal or a draft order in ${orderProfile.qualified}, and who at the agency answers it`
      : null,
    orderProfile ? 'where the host keeps the PDF of an order, if it makes one' : null,
  ]);
  return answer(
    'B15',
    'Can clients follow their orders and deliveries (lines, status, tracking) and order again?',
    status,
    evidence,
    decisionFor(status, {
      keep: `keep the host's orders (${orders.chosenTable}, lines in ${lines.chosenTable}${shipments.status === 'exists' ? `, deliveries in ${shipments.chosenTable}` : ''}): the portal's Orders section shows them through the adapter and never writes an order; before switching the section on, answer: ${questions}`,
      complete: `the portal's Orders section shows the host's orders only once an adapter maps them${questions ? `; before relying on them, answer: ${questions}` : ''}`,
      add: "the host keeps no orders: the portal's Orders section stays off, since it shows the host's orders and keeps none of its own",
    }),
    ['salesOrder', 'orderLine', 'shipment', 'clientCredentials'],
  );
}

function contractsAnswer(context: AnswerContext): Answer {
  const contracts = concept(context, 'contract');
  const lines = concept(context, 'contractLine');
  const usage = concept(context, 'contractUsage');
  const time = concept(context, 'timeEntry');
  const login = concept(context, 'clientCredentials');
  const contractProfile = profileOf(context, contracts);
  const lineProfile = profileOf(context, lines);
  const usageProfile = profileOf(context, usage);
  const timeProfile = profileOf(context, time);
  const evidence: Evidence[] = [...evidenceOf(contracts, 3), ...evidenceOf(lines, 3), ...evidenceOf(usage, 3), ...evidenceOf(time, 3)];
  const status = statusOf([contracts, lines, login], [contracts, lines, usage, time]);
  const template = contractProfile?.table.columns.find((c) => /template/.test(c.name) && c.category === 'B');
  const duration = columnNamed(timeProfile, /duration|duree|minute|hour/);
  const visible = columnNamed(timeProfile, /approv|billable|invoiced|visible|public/);
  const questions = numbered([
    unsureNote([contracts, lines, usage, time]),
    contractProfile ? stateQuestion(contractProfile, 'active (and which mean draft, expired or cancelled)') : null,
    template && contractProfile ? valuesQuestion(contractProfile, template, 'a template, never shown to a client') : null,
    lineProfile ? `which lines of ${lineProfile.qualified} carry an allowance (hours or units per period), and in which column` : null,
    usageProfile
      ? `which unit ${usageProfile.qualified} counts in and which period a row covers, so the portal shows the host's figure and computes none`
      : timeProfile
        ? `how the host counts what is used of an allowance: the portal would sum ${timeProfile.qualified} over the period (the host keeps no usage per period)`
        : null,
    duration && timeProfile ? `which unit ${timeProfile.qualified}.${duration.name} is in (seconds, minutes or hours)` : null,
    timeProfile
      ? visible
        ? `which entries of ${timeProfile.qualified} a client may see (${visible.name}?), and whether their notes are meant for clients`
        : `which entries of ${timeProfile.qualified} a client may see, and whether their notes are meant for clients`
      : null,
  ]);
  return answer(
    'B16',
    'Can clients see their contracts, what each includes, and how much of it is used?',
    status,
    evidence,
    decisionFor(status, {
      keep: `keep the host's contracts (${contracts.chosenTable}, lines in ${lines.chosenTable}): the portal's Contracts section shows them and what is used${usage.status === 'exists' ? ` (${usage.chosenTable})` : ''} through the adapter; before switching the section on, answer: ${questions}`,
      complete: `the portal's Contracts section shows the host's contracts only once an adapter maps them${questions ? `; before relying on them, answer: ${questions}` : ''}`,
      add: "the host keeps no contracts with clients: the portal's Contracts section stays off",
    }),
    ['contract', 'contractLine', 'contractUsage', 'timeEntry', 'clientCredentials'],
  );
}

function devicesAnswer(context: AnswerContext): Answer {
  const assets = concept(context, 'asset');
  const tickets = concept(context, 'ticket');
  const login = concept(context, 'clientCredentials');
  const profile = profileOf(context, assets);
  const evidence: Evidence[] = [...evidenceOf(assets, 5)];
  const toClient = clientLink(context, profile);
  if (profile && !toClient)
    evidence.push({
      kind: 'absence',
      ref: profile.qualified,
      detail: "no key ties an asset to a client: these may be the agency's own assets (fixed assets on its books)",
    });
  const toTicket = tickets.chosenTable ? tie(context, profile, tickets) : null;
  const status = statusOf([assets, login], [assets]);
  const questions = numbered([
    unsureNote([assets]),
    profile && !toClient ? `whether ${profile.qualified} holds the clients' devices at all, and how one is tied to its client` : null,
    profile ? stateQuestion(profile, 'in service, in repair and retired (and which a client may see)') : null,
    profile
      ? toTicket
        ? `whether the tickets about a device are every one linked ${toTicket}, and whether a client may link a new ticket there`
        : tickets.chosenTable
          ? `how a ticket about a device is recorded (no link between ${profile.qualified} and ${tickets.chosenTable} was found)`
          : 'where a request about a device goes (the host keeps no tickets)'
      : null,
    profile ? 'which details of a device a client may see (serial number, location, software), and which are internal' : null,
  ]);
  return answer(
    'B17',
    'Can clients see the devices the agency manages for them, and open a ticket about one?',
    status,
    evidence,
    decisionFor(status, {
      keep: `keep the host's devices (${assets.chosenTable}): the portal's Devices section lists a client's devices and their tickets through the adapter; before switching the section on, answer: ${questions}`,
      complete: `the portal's Devices section lists the host's devices only once an adapter maps them${questions ? `; before relying on them, answer: ${questions}` : ''}`,
      add: "the host keeps no devices for clients: the portal's Devices section stays off",
    }),
    ['asset', 'ticket', 'clientCredentials'],
  );
}

const DECISION_COLUMN = /approv|reject|decision|accepted|signed/;

function approvalsAnswer(context: AnswerContext): Answer {
  const documents = concept(context, 'document');
  const versions = concept(context, 'documentVersion');
  const versionProfile = profileOf(context, versions);
  const documentProfile = profileOf(context, documents);
  const evidence: Evidence[] = [...evidenceOf(documents, 3), ...evidenceOf(versions, 4)];
  const decided = columnNamed(versionProfile, DECISION_COLUMN) ?? columnNamed(documentProfile, DECISION_COLUMN);
  if (!decided && (versionProfile || documentProfile))
    evidence.push({
      kind: 'absence',
      ref: (versionProfile ?? documentProfile)?.qualified ?? '',
      detail: 'no column records a decision on a document (approved, asked for changes, by whom, when)',
    });
  // The host's versions with a decision recorded on them is the whole of it; versions or documents
  // without one are the part the portal completes with its decisions.
  const status: Status =
    versions.status === 'exists' && decided
      ? 'exists'
      : versions.status !== 'missing' || documents.status === 'exists'
        ? 'partial'
        : 'missing';
  const visible = columnNamed(documentProfile, /client_visible|visible|share|public|portal/);
  const questions = numbered([
    unsureNote([documents, versions]),
    versionProfile
      ? `how the current version of a document is told apart in ${versionProfile.qualified}, and where each version's file is kept`
      : documentProfile
        ? `what happens to the file in ${documentProfile.qualified} when the agency uploads a new version (replaced, or kept beside it)`
        : null,
    visible && documentProfile
      ? `whether ${documentProfile.qualified}.${visible.name} is what lets a client see a document shared for approval`
      : null,
    decided ? `which values of ${decided.name} mean approved and changes asked for` : null,
    'where the host should record a decision for the agency to see it on the record (an event, a note)',
  ]);
  const portal =
    "the portal's Approvals section keeps each version it is given (file, message, fingerprint) and every decision (who, when, from where, on exactly which version) in its own tables";
  return answer(
    'B18',
    'Can clients approve versions of shared work, or ask for changes?',
    status,
    evidence,
    decisionFor(status, {
      keep: `keep the host's versions (${versions.chosenTable}) and the decisions recorded on them; the portal writes a decision through the adapter; before switching the section on, answer: ${questions}`,
      complete: `${portal}, beside the host's ${versions.status === 'exists' ? `versions (${versions.chosenTable})` : `documents (${documents.chosenTable})`}; before switching the section on, answer: ${questions}`,
      add: `the host keeps no documents: ${portal}`,
    }),
    ['document', 'documentVersion'],
  );
}

export function agreementAnswers(context: AnswerContext): Answer[] {
  return [ordersAnswer(context), contractsAnswer(context), devicesAnswer(context), approvalsAnswer(context)];
}
