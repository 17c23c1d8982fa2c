// Findings for a ticket's conversation and a project's phases, where recognising a table is not the
// whole answer. A ticket's messages hang off the ticket, with a flag for the agency's internal notes
// (Alga PSA's comments.is_internal); or they are rows of one kind in a shared table of events of any
// record (Dolibarr's llx_actioncomm, code TICKET_MSG, TICKET_MSG_PRIVATE for staff-only notes), and
// which kind is in the data, not the schema. A host without a table of phases groups a project's
// tasks some other way, or not at all, and the finding says which.
import type { CatalogColumn } from '../catalog/types.ts';
import { learnedApplies } from '../recognition/learned.ts';
import { tokenize } from '../recognition/names.ts';
import type { TableProfile } from '../recognition/schema-model.ts';
import type { RowFilter } from '../report-schema.ts';
import { absence, chosenProfile, columnEvidence, list, tableEvidence, type DraftFinding, type FindingsContext } from './context.ts';
import { tableFinding } from './table-findings.ts';
import { sharedMessageColumns, ticketWord } from './ticket-messages.ts';

const MESSAGE_WORDS = new Set(['msg', 'message', 'reply', 'answer', 'response', 'comment', 'antwort', 'nachricht', 'reponse']);
const PRIVATE_WORDS = new Set(['private', 'priv', 'internal', 'intern', 'staff', 'prive', 'interne']);

/** A boolean that marks the agency's internal notes (is_internal, private, staff_only). */
function internalFlag(profile: TableProfile): CatalogColumn | undefined {
  return profile.table.columns.find((c) => c.category === 'B' && tokenize(c.name).some((w) => PRIVATE_WORDS.has(w)));
}

function words(value: string): string[] {
  return value
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

interface SharedKinds {
  profile: TableProfile;
  column: string;
  /** The kind a client sees (TICKET_MSG), or null when no sampled value names one. */
  visible: string | null;
  /** Kinds of message kept from clients (TICKET_MSG_PRIVATE). */
  hidden: string[];
  sampled: string[] | null;
}

function sharedKinds(context: FindingsContext, ticket: TableProfile): SharedKinds[] {
  // Messages as one kind of row in a shared table of events: learned on Dolibarr's llx_actioncomm (f7dc7fe0).
  if (!learnedApplies('dolibarr')) return [];
  const word = ticketWord(ticket);
  return sharedMessageColumns(context.model, ticket.qualified).map(({ profile, column }) => {
    const sampled = context.samples.ticketMessageKinds?.get(`${profile.qualified}.${column.name}`) ?? null;
    const messages = (sampled ?? []).filter((v) => {
      const w = words(v);
      return w.includes(word) && w.some((x) => MESSAGE_WORDS.has(x));
    });
    const hidden = messages.filter((v) => words(v).some((x) => PRIVATE_WORDS.has(x)));
    // The plainest of the kinds a client sees: TICKET_MSG before TICKET_MSG_SENTBYMAIL.
    const visible = messages.filter((v) => !hidden.includes(v)).sort((a, b) => a.length - b.length || a.localeCompare(b))[0] ?? null;
    return { profile, column: column.name, visible, hidden, sampled };
  });
}

export function ticketMessageFinding(context: FindingsContext): DraftFinding {
  const base = tableFinding(context, 'ticketMessage');
  const ticket = chosenProfile(context, 'ticket');
  if (!ticket) {
    return base.status === 'missing' ? { ...base, notes: [...base.notes, 'no ticket table, so no messages of one'] } : base;
  }
  const picked = chosenProfile(context, 'ticketMessage');
  const onTicket = picked?.outgoing.find((l) => l.to === ticket.qualified);
  if (picked && onTicket) return withInternalNotes(base, picked);

  const shared = sharedKinds(context, ticket);
  const found = shared.find((s) => s.visible);
  if (found?.visible) {
    const rowFilter: RowFilter = { [found.column]: found.visible };
    const pair = found.profile.polymorphic[0];
    const reasons = [
      `rows of one kind among the events of any record (${pair ? `${pair.typeColumn}/${pair.idColumn}` : 'a pair'}), told apart by ${found.column}`,
      `sampled ${found.column} values name the ticket's messages: ${found.visible}`,
    ];
    return {
      ...base,
      status: 'exists',
      chosenTable: found.profile.qualified,
      confidence: 0.8,
      lowConfidence: false,
      rowFilter,
      candidates: [{ table: found.profile.qualified, confidence: 0.8, reasons }, ...base.candidates].slice(0, 5),
      evidence: [
        tableEvidence(found.profile.qualified, `chosen for ticket messages: the rows where ${found.column} = '${found.visible}'`),
        ...found.profile.table.columns
          .filter((c) => c.name === found.column || (pair && [pair.typeColumn, pair.idColumn].includes(c.name)))
          .map((c) => columnEvidence(found.profile.qualified, c, c.name === found.column ? 'the kind of row' : 'the record it is about')),
        ...(found.profile.roles.get('body') ?? []).slice(0, 1).map((c) => columnEvidence(found.profile.qualified, c, 'text')),
      ],
      notes: [
        `the ticket's messages are the rows of ${found.profile.qualified} where ${found.column} = '${found.visible}'${pair ? `, ${pair.typeColumn} naming ${ticket.qualified}` : ''}`,
        found.hidden.length > 0
          ? `${list(found.hidden.map((h) => `${found.column} = '${h}'`))}: the agency's internal notes, never shown to a client`
          : `no sampled kind marks internal notes: ask whether the host keeps any before showing the conversation`,
      ],
    };
  }
  const unsampled = shared.find((s) => s.sampled !== null && s.sampled.length === 0) ?? shared.find((s) => s.sampled === null);
  if (!base.chosenTable && unsampled) {
    // The shape fits, but no row says which kind is a ticket's message: a person names it.
    const reasons = [`events of any record with a text body, told apart by ${unsampled.column}; no row names a ticket's message`];
    return {
      ...base,
      status: 'exists',
      chosenTable: unsampled.profile.qualified,
      confidence: 0.5,
      lowConfidence: true,
      candidates: [{ table: unsampled.profile.qualified, confidence: 0.5, reasons }, ...base.candidates].slice(0, 5),
      evidence: [tableEvidence(unsampled.profile.qualified, 'may hold the ticket messages as rows of one kind')],
      notes: [
        `${unsampled.profile.qualified} may hold the ticket's messages as rows of one kind, but ${unsampled.sampled === null ? 'it could not be read' : 'it has no rows'} that say which ${unsampled.column} marks them, nor which marks internal notes: a person who knows the CRM names both`,
      ],
    };
  }
  return base;
}

/** A ticket's messages on a table of their own: which flag keeps internal notes from the client. */
function withInternalNotes(base: DraftFinding, profile: TableProfile): DraftFinding {
  const flag = internalFlag(profile);
  if (!flag) {
    return {
      ...base,
      notes: [...base.notes, 'no column marks internal notes: ask whether every message is shown to the client'],
    };
  }
  return {
    ...base,
    rowFilter: { [flag.name]: false },
    evidence: [...base.evidence, columnEvidence(profile.qualified, flag, "marks the agency's internal notes")],
    notes: [
      ...base.notes,
      `${profile.qualified}.${flag.name} marks the agency's internal notes: a client sees only the rows where it is false`,
    ],
  };
}

export function projectPhaseFinding(context: FindingsContext): DraftFinding {
  const base = tableFinding(context, 'projectPhase');
  if (base.status !== 'missing') return base;
  const project = chosenProfile(context, 'project');
  const task = chosenProfile(context, 'task');
  if (!project) return base;
  const notes = [...base.notes];
  const tasksOnProject = task?.outgoing.find((l) => l.to === project.qualified);
  notes.push(
    tasksOnProject && task
      ? `the host has no phases: the tasks of a project (${task.qualified}.${tasksOnProject.columns.join(', ')}) belong to it directly`
      : `the host has no phases of ${project.qualified}`,
  );
  // A key to a parent task (fk_task_parent) nests tasks; Dolibarr shows no phase for it.
  const parent = task?.table.columns.find((c) => {
    const w = tokenize(c.name);
    return w.includes('parent') && (w.includes('fk') || w.includes('id'));
  });
  if (task && parent) notes.push(`tasks nest under parent tasks (${task.qualified}.${parent.name}); a parent task is not a phase`);
  return {
    ...base,
    evidence: [...base.evidence, absence(project.qualified, 'no table of phases or milestones points at the projects')],
    notes,
  };
}
