// Covers, without a database, how the audit finds support tickets, their messages, projects and
// phases on schemas it was not built with: a helpdesk whose replies hang off the ticket with a flag
// for private notes (the flag becomes the row filter), milestones as the phases the tasks belong
// to, a ticket's messages kept as rows of one kind in a shared table of events (the kind is read
// from sampled values, and without them the pick stays unsure), and a host without tickets, whose
// comments are never borrowed as ticket messages; and a key left undeclared on the ticket links
// where the schema declares every key of that name.
import { expect } from 'chai';
import type { CatalogColumn, CatalogTable } from '../../audit/catalog/types.ts';
import { buildFindings } from '../../audit/findings/build-findings.ts';
import type { Samples } from '../../audit/findings/samples.ts';
import type { ConceptFinding } from '../../audit/report-schema.ts';
import { buildSchemaModel } from '../../audit/recognition/schema-model.ts';
import { recognizeTableConcepts } from '../../audit/recognition/score-tables.ts';

const column = (name: string, type: string, category: string, baseType: string): CatalogColumn => ({
  name,
  type,
  category,
  baseType,
  nullable: true,
  default: null,
  comment: null,
  enumLabels: [],
});
const key = (name: string) => column(name, 'bigint', 'N', 'int8');
const text = (name: string) => column(name, 'character varying(191)', 'S', 'varchar');
const long = (name: string) => column(name, 'text', 'S', 'text');
const flag = (name: string) => column(name, 'boolean', 'B', 'bool');
const date = (name: string) => column(name, 'date', 'D', 'date');
const stamp = (name: string) => column(name, 'timestamp without time zone', 'D', 'timestamp');

function table(name: string, columns: CatalogColumn[], links: Record<string, string> = {}): CatalogTable {
  return {
    schema: 'public',
    name,
    qualified: `public.${name}`,
    kind: 'table',
    comment: null,
    columns: [key('id'), ...columns],
    primaryKey: ['id'],
    uniques: [],
    foreignKeys: Object.entries(links).map(([col, to]) => ({
      name: `${name}_${col}_foreign`,
      columns: [col],
      references: `public.${to}`,
      referencedColumns: ['id'],
    })),
    checks: [],
    indexes: [],
  };
}

const clients = table('clients', [text('name'), text('vat_number'), text('address'), text('phone')]);
const contacts = table('contacts', [key('client_id'), text('first_name'), text('last_name'), text('email')], {
  client_id: 'clients',
});
const users = table('users', [text('name'), text('email'), text('password'), text('role')]);

// A helpdesk with projects: replies on tickets (is_private for the agency's notes), comments on
// any record, projects divided into milestones that the tasks belong to.
const helpdesk: CatalogTable[] = [
  clients,
  contacts,
  users,
  table(
    'tickets',
    [
      text('ticket_number'),
      text('subject'),
      long('description'),
      text('status'),
      key('assigned_to'),
      key('client_id'),
      stamp('created_at'),
    ],
    { client_id: 'clients', assigned_to: 'users' },
  ),
  table('ticket_replies', [key('ticket_id'), long('body'), key('author_id'), flag('is_private'), stamp('created_at')], {
    ticket_id: 'tickets',
    author_id: 'users',
  }),
  table('comments', [text('commentable_type'), key('commentable_id'), long('body'), key('user_id'), stamp('created_at')], {
    user_id: 'users',
  }),
  table('projects', [text('name'), text('status'), date('start_date'), date('end_date'), key('client_id')], { client_id: 'clients' }),
  table('milestones', [key('project_id'), text('name'), text('status'), date('due_date'), key('position')], { project_id: 'projects' }),
  table('tasks', [key('milestone_id'), text('title'), text('status'), date('due_date'), key('assigned_to')], {
    milestone_id: 'milestones',
    assigned_to: 'users',
  }),
];

// Incidents whose conversation is kept in the agenda, as events of any record (elementtype/fk_element)
// told apart by a code.
const agenda: CatalogTable[] = [
  clients,
  contacts,
  users,
  table(
    'incidents',
    [text('ref'), text('subject'), long('message'), key('fk_statut'), key('fk_user_assign'), key('client_id'), stamp('datec')],
    {
      client_id: 'clients',
    },
  ),
  table(
    'events',
    [text('code'), text('label'), long('note'), text('elementtype'), key('fk_element'), key('fk_user_author'), stamp('datep')],
    {
      fk_user_author: 'users',
    },
  ),
];

const samples = (kinds: Record<string, string[]> = {}): Samples => ({
  hashes: new Map(),
  statusValues: new Map(),
  kindValues: new Map(),
  ticketMessageKinds: new Map(Object.entries(kinds)),
});

function concepts(tables: CatalogTable[], sampled: Samples = samples()): Map<string, ConceptFinding> {
  const model = buildSchemaModel(tables);
  const findings = buildFindings({ model, tables: recognizeTableConcepts(model), samples: sampled });
  return new Map([...findings.values()].map((f) => [f.id, f]));
}

describe('audit: tickets, their messages, projects and phases', () => {
  it('takes the replies hanging off a ticket as its messages, their private flag as the row filter', () => {
    const found = concepts(helpdesk);
    expect(found.get('ticket')).to.include({ status: 'exists', chosenTable: 'public.tickets' });
    const messages = found.get('ticketMessage');
    expect(messages).to.include({ status: 'exists', chosenTable: 'public.ticket_replies' });
    expect(messages?.rowFilter).to.deep.equal({ is_private: false });
    expect(messages?.notes.join('\n')).to.include("public.ticket_replies.is_private marks the agency's internal notes");
    // Comments on any record stay comments: a ticket's messages hang off the ticket.
    const comments = messages?.candidates.find((c) => c.table === 'public.comments');
    expect(comments?.reasons.join(' | ') ?? 'not a candidate').to.not.match(/hangs off a ticket/);
  });

  it('takes the project the tasks belong to, and the milestones between them as its phases', () => {
    const found = concepts(helpdesk);
    expect(found.get('task')).to.include({ status: 'exists', chosenTable: 'public.tasks' });
    expect(found.get('project')).to.include({ status: 'exists', chosenTable: 'public.projects' });
    expect(found.get('project')?.candidates[0]?.reasons.join(' | ')).to.match(/the tasks belong here through their parents/);
    expect(found.get('projectPhase')).to.include({ status: 'exists', chosenTable: 'public.milestones' });
  });

  it("reads which kind of a shared event is a ticket's message from sampled values, and names the private kind", () => {
    const found = concepts(agenda, samples({ 'public.events.code': ['INCIDENT_CREATE', 'INCIDENT_MSG', 'INCIDENT_MSG_PRIVATE'] }));
    expect(found.get('ticket')).to.include({ status: 'exists', chosenTable: 'public.incidents' });
    const messages = found.get('ticketMessage');
    expect(messages).to.include({ status: 'exists', chosenTable: 'public.events' });
    expect(messages?.rowFilter).to.deep.equal({ code: 'INCIDENT_MSG' });
    expect(messages?.notes.join('\n')).to.include("code = 'INCIDENT_MSG_PRIVATE': the agency's internal notes");
  });

  it('leaves the shared table unsure while no row names a message, and proposes nothing for it', () => {
    const messages = concepts(agenda, samples({ 'public.events.code': [] })).get('ticketMessage');
    expect(messages).to.include({ status: 'unsure', chosenTable: 'public.events' });
    expect(messages?.rowFilter).to.equal(undefined);
    expect(messages?.notes.join('\n')).to.match(/a person who knows the CRM names both/);
  });

  it('links an undeclared key to where the schema declares every key of that name', () => {
    // contacts.fk_cust is declared as a key to clients; the tickets table leaves its own undeclared.
    const customers = table('contacts', [key('fk_cust'), text('first_name'), text('last_name'), text('email')], { fk_cust: 'clients' });
    const found = concepts([
      clients,
      customers,
      users,
      table('tickets', [text('ref'), text('subject'), text('status'), key('fk_user_assign'), key('fk_cust'), stamp('datec')]),
      table('tasks', [key('fk_cust'), text('title'), text('status'), date('due_date'), key('assigned_to')], { fk_cust: 'clients' }),
    ]);
    const ticket = found.get('ticket');
    expect(ticket).to.include({ status: 'exists', chosenTable: 'public.tickets' });
    expect(ticket?.candidates[0]?.reasons.join(' | ')).to.include(
      'links to the client (fk_cust → public.clients, implied by the column name)',
    );
  });

  it('finds no ticket messages on a host without tickets, whatever comments it keeps', () => {
    const found = concepts(helpdesk.filter((t) => !['tickets', 'ticket_replies'].includes(t.name)));
    expect(found.get('comment')).to.include({ status: 'exists', chosenTable: 'public.comments' });
    expect(found.get('ticket')).to.include({ status: 'missing', chosenTable: null });
    expect(found.get('ticketMessage')).to.include({ status: 'missing', chosenTable: null });
  });
});
