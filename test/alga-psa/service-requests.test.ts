// Covers the Alga PSA binding's service requests on Alga's real schema: the catalogue is what
// Alga's client portal lists (published, not archived, the latest version's name and form, a
// visibility provider Alga runs itself: never a draft, an archived or an enterprise-only one); a
// form's fields are Alga's basic form fields in the portal's words; a submission written through
// the port is, column by column, the row Alga's submitPortalServiceRequest inserts
// (service_request_submissions, and no audit_logs row: Alga writes none at this version); the
// definition's 'ticket-only' execution then makes the ticket
// TicketModel.createTicket makes, with the definition's routing (or the provider's defaults), and
// the submission records it ('succeeded', created_ticket_id), or 'failed' with the provider's
// reason and no ticket; "my requests" lists the company's submissions newest first, never another
// company's, and a rolled-back portal transaction leaves no row in Alga.
import { expect } from 'chai';
import type { ServiceRequestsPort } from '../../src/features/requests/port.ts';
import { startAlgaHost, unavailable, type AlgaHost } from './alga-host.ts';

type Row = Record<string, unknown>;
const reason = unavailable();

describe('alga-psa binding: service requests as Alga writes them', function () {
  let host: AlgaHost;
  let requests: ServiceRequestsPort;
  let tenant: string;
  let bakery: string;
  let garage: string;
  let claire: string;
  let paul: string;
  let published: string;
  let versionId: string;
  const routing = {} as Record<'board' | 'otherBoard' | 'status' | 'defaultStatus' | 'otherBoardStatus' | 'low' | 'high', string>;

  const FORM = {
    fields: [
      { key: 'device', type: 'short-text', label: 'Which device', required: true, helpText: 'Its name or asset tag.' },
      { key: 'details', type: 'long-text', label: 'What happens' },
      {
        key: 'urgency',
        type: 'select',
        label: 'Urgency',
        options: [
          { label: 'Today', value: 'today' },
          { label: 'This week', value: 'week' },
        ],
      },
      { key: 'onsite', type: 'checkbox', label: 'Someone on site' },
      { key: 'by', type: 'date', label: 'Needed by' },
      { key: 'photo', type: 'file-upload', label: 'A photo' },
    ],
  };

  /** A definition and its versions as Alga's publishing writes them (definitionPublishing.ts). */
  async function definition(
    name: string,
    lifecycle: 'published' | 'draft' | 'archived',
    visibility = 'all-authenticated-client-users',
    executionConfig: Record<string, unknown> = {},
  ) {
    const [row] = await host
      .db('service_request_definitions')
      .insert({
        tenant,
        name,
        form_schema: FORM,
        lifecycle_state: lifecycle,
        visibility_provider: visibility,
        published_at: lifecycle === 'draft' ? null : new Date('2026-03-01T10:00:00Z'),
      })
      .returning('definition_id');
    const id = (row as { definition_id: string }).definition_id;
    if (lifecycle !== 'draft') {
      for (const version_number of [1, 2]) {
        await host.db('service_request_definition_versions').insert({
          tenant,
          definition_id: id,
          version_number,
          name: version_number === 2 ? name : `${name} (first version)`,
          description: 'Tell us what is broken.',
          icon: 'wrench',
          category_name_snapshot: 'Hardware',
          form_schema_snapshot: version_number === 2 ? FORM : { fields: [] },
          execution_provider: 'ticket-only',
          execution_config: executionConfig,
          form_behavior_provider: 'basic',
          visibility_provider: visibility,
        });
      }
    }
    return id;
  }

  before(async function () {
    // Skipped, with the reason printed below, where no real Alga PSA database can be made: its schema is
    // loaded with psql into a PostgreSQL server (DATABASE_URL). CI's PostgreSQL pass runs it.
    if (reason) this.skip();
    host = await startAlgaHost({ portalTables: true });
    requests = host.adapter().requests as ServiceRequestsPort;
    tenant = host.seed.tenant;
    ({ bakery, garage } = host.seed.clients);
    ({ claire, paul } = host.seed.contacts);
    // The tenant's boards, ticket statuses and priorities, as its ticket settings keep them.
    const insert = async (table: string, row: Row, key: string) =>
      String(((await host.db(table).insert(row).returning(key))[0] as Row)[key]);
    const { admin } = host.seed.users;
    routing.board = await insert('boards', { tenant, board_name: 'Requests', is_default: false, display_order: 2 }, 'board_id');
    routing.otherBoard = await insert('boards', { tenant, board_name: 'Support', is_default: true, display_order: 1 }, 'board_id');
    const status = (board_id: string, name: string, order_number: number, is_default: boolean) =>
      insert(
        'statuses',
        {
          tenant,
          board_id,
          name,
          status_type: 'ticket',
          item_type: 'ticket',
          order_number,
          is_closed: false,
          is_default,
          created_by: admin,
        },
        'status_id',
      );
    routing.status = await status(routing.board, 'Triage', 2, false);
    routing.otherBoardStatus = await status(routing.otherBoard, 'Open', 2, false);
    routing.defaultStatus = await status(routing.otherBoard, 'New', 3, true);
    const priority = (priority_name: string, order_number: number) =>
      insert('priorities', { tenant, priority_name, order_number, item_type: 'ticket', created_by: admin }, 'priority_id');
    routing.high = await priority('High', 2);
    routing.low = await priority('Low', 1);
    published = await definition('Repair a device', 'published', undefined, {
      boardId: routing.board,
      statusId: routing.status,
      priorityId: routing.high,
      assignedToUserId: host.seed.users.tech,
      titleTemplate: 'Repair: {{device}} ({{ urgency }})',
    });
    await definition('Order a laptop', 'draft');
    await definition('Old form', 'archived');
    await definition('Enterprise only', 'published', 'client-group');
    versionId = (
      await host
        .db('service_request_definition_versions')
        .where({ tenant, definition_id: published, version_number: 2 })
        .first('version_id')
    ).version_id;
  });
  after(async function () {
    await host?.close();
  });

  if (reason) it(`is skipped: ${reason}`, () => {});

  it("offers what Alga's client portal offers, with the latest version's form in the portal's words", async function () {
    const catalogue = await requests.definitions(tenant, bakery, claire);
    expect(catalogue.map((d) => d.name)).to.deep.equal(['Repair a device']);
    const form = await requests.definition(tenant, bakery, claire, published);
    expect(form).to.include({ name: 'Repair a device', category: 'Hardware', icon: 'wrench', kind: 'general' });
    expect(form!.fields.map((f) => [f.key, f.type, f.required])).to.deep.equal([
      ['device', 'text', true],
      ['details', 'textarea', false],
      ['urgency', 'select', false],
      ['onsite', 'checkbox', false],
      ['by', 'date', false],
      ['photo', 'file', false],
    ]);
    expect(form!.fields[0]!.help).to.equal('Its name or asset tag.');
    expect(await requests.definition(tenant, bakery, claire, 'not-a-uuid')).to.equal(null);
  });

  const ticketNumber = async () =>
    Number((await host.db('next_number').where({ tenant, entity_type: 'TICKET' }).first<Row | undefined>())?.last_number ?? 0);

  it("writes the submission and the ticket its execution makes, column by column, as Alga's submitPortalServiceRequest does", async function () {
    const numberBefore = await ticketNumber();
    const answers = { device: 'Front till', details: null, urgency: 'today', onsite: true, by: '2026-04-02', photo: ['till.jpg'] };
    const sent = await host.db.transaction((trx) =>
      requests.submit(tenant, bakery, claire, { definitionId: published, answers }, { trx, ip: null }),
    );
    expect(sent).to.include({ title: 'Repair a device', kind: 'general' });
    const row = await host.db('service_request_submissions').where({ tenant, submission_id: sent!.id }).first<Row>();
    const claireLogin = host.seed.users.claire;
    // What submitRequestServiceDefinitionAction → submitPortalServiceRequest inserts for the same form.
    const algaWrites: Row = {
      tenant,
      definition_id: published,
      definition_version_id: versionId,
      requester_user_id: claireLogin,
      client_id: bakery,
      contact_id: claire,
      request_name: 'Repair a device',
      // formData strings as sent ('' for an empty text), a checkbox as a boolean, no file field.
      submitted_payload: { device: 'Front till', details: '', urgency: 'today', onsite: true, by: '2026-04-02' },
      // The ticket-only provider ran: the submission names its ticket.
      execution_status: 'succeeded',
      execution_error_summary: null,
      workflow_execution_id: null,
    };
    for (const [column, value] of Object.entries(algaWrites)) expect(row[column], column).to.deep.equal(value);
    expect(sent!.state, 'in the agency’s hands once it ran').to.equal('inReview');

    // The ticket TicketModel.createTicket inserts for the provider, with the definition's routing.
    const ticket = await host.db('tickets').where({ tenant, ticket_id: row.created_ticket_id }).first<Row>();
    expect(ticket, 'the created ticket').to.not.equal(undefined);
    const ticketWrites: Row = {
      title: 'Repair: Front till (today)',
      ticket_number: `TIC${String(await ticketNumber()).padStart(6, '0')}`,
      client_id: bakery,
      contact_name_id: claire,
      location_id: null,
      billing_profile_id: null,
      status_id: routing.status,
      assigned_to: host.seed.users.tech,
      assigned_team_id: null,
      priority_id: routing.high,
      category_id: null,
      subcategory_id: null,
      board_id: routing.board,
      source: 'client_portal',
      ticket_origin: 'client_portal',
      entered_by: claireLogin,
      due_date: null,
      itil_impact: null,
      itil_urgency: null,
      // The provider's description: "key: value" a line in the form's order, plain text.
      attributes: { description: 'device: Front till\ndetails: \nurgency: today\nonsite: true\nby: 2026-04-02' },
      email_metadata: null,
      is_closed: false,
      closed_at: null,
      response_state: null,
    };
    for (const [column, value] of Object.entries(ticketWrites)) expect(ticket![column], `tickets.${column}`).to.deep.equal(value);
    expect(ticket!.entered_at).to.be.an.instanceOf(Date);
    expect(await ticketNumber(), "Alga's ticket numbering advanced once").to.equal(numberBefore ? numberBefore + 1 : 1000);
    // submitPortalServiceRequest writes no audit_logs row at this version (a search event only).
    expect(await host.db('audit_logs').where({ tenant }).select<Row[]>(), 'no audit row').to.deep.equal([]);

    const detail = await requests.find(tenant, bakery, claire, sent!.id);
    expect(detail!.answers).to.deep.include({ device: 'Front till', onsite: true });
    expect(await requests.find(tenant, garage, paul, sent!.id), "another company's").to.equal(null);
  });

  it("lists the company's submissions newest first, a page at a time, searched by name, never another company's", async function () {
    for (let i = 0; i < 3; i++)
      await host.db.transaction((trx) =>
        requests.submit(tenant, bakery, claire, { definitionId: published, answers: { device: `Till ${i}` } }, { trx, ip: null }),
      );
    const first = await requests.list(tenant, bakery, claire, {}, { limit: 2, after: null });
    expect(first.items).to.have.length(2);
    const second = await requests.list(tenant, bakery, claire, {}, { limit: 2, after: first.next });
    expect(second.items).to.have.length(2);
    expect(second.next).to.equal(null);
    const all = [...first.items, ...second.items];
    expect(all.map((r) => r.submittedAt.getTime())).to.deep.equal([...all.map((r) => r.submittedAt.getTime())].sort((a, b) => b - a));
    expect((await requests.list(tenant, bakery, claire, { search: 'nothing' }, { limit: 10, after: null })).items).to.deep.equal([]);
    expect((await requests.list(tenant, garage, paul, {}, { limit: 10, after: null })).items).to.deep.equal([]);
    expect((await requests.list(tenant, bakery, claire, {}, { limit: 10, after: 'garbage' })).items).to.deep.equal([]);
  });

  it('routes a definition with no routing as the provider does: the default board, its default status, the first priority', async function () {
    const plain = await definition('Plain request', 'published');
    const sent = await host.db.transaction((trx) =>
      requests.submit(tenant, bakery, claire, { definitionId: plain, answers: { details: '  ', device: 'Scanner' } }, { trx, ip: null }),
    );
    const row = await host.db('service_request_submissions').where({ tenant, submission_id: sent!.id }).first<Row>();
    expect(row.execution_status).to.equal('succeeded');
    const ticket = await host.db('tickets').where({ tenant, ticket_id: row.created_ticket_id }).first<Row>();
    expect(ticket).to.deep.include({
      // No template nor title field: the first answer with text, in the form's order.
      title: 'Scanner',
      board_id: routing.otherBoard,
      status_id: routing.defaultStatus,
      priority_id: routing.low,
      assigned_to: null,
    });
  });

  it("records the provider's failure on the submission and leaves no ticket, no number taken, when Alga would fail", async function () {
    const misrouted = await definition('Misrouted request', 'published', undefined, {
      boardId: routing.board,
      statusId: routing.otherBoardStatus,
      priorityId: routing.high,
    });
    const tickets = async () => Number((await host.db('tickets').where({ tenant }).count<{ count: string }[]>('* as count'))[0]!.count);
    const [ticketsBefore, numberBefore] = [await tickets(), await ticketNumber()];
    const sent = await host.db.transaction((trx) =>
      requests.submit(tenant, bakery, claire, { definitionId: misrouted, answers: { device: 'Router' } }, { trx, ip: null }),
    );
    const row = await host.db('service_request_submissions').where({ tenant, submission_id: sent!.id }).first<Row>();
    expect(row).to.deep.include({
      execution_status: 'failed',
      execution_error_summary: 'Invalid status: selected status does not belong to the selected board',
      created_ticket_id: null,
    });
    expect(sent!.state).to.equal('submitted');
    expect(await tickets()).to.equal(ticketsBefore);
    expect(await ticketNumber()).to.equal(numberBefore);
  });

  it("refuses a contact of another company, a definition not published, and leaves nothing when the portal's transaction fails", async function () {
    const count = async () =>
      Number((await host.db('service_request_submissions').where({ tenant }).count<{ count: string }[]>('* as count'))[0]!.count);
    const before = await count();
    const ticketsBefore = await host.db('tickets').where({ tenant }).count<{ count: string }[]>('* as count');
    expect(
      await host.db.transaction((trx) =>
        requests.submit(tenant, bakery, paul, { definitionId: published, answers: {} }, { trx, ip: null }),
      ),
    ).to.equal(null);
    const draft = (await host.db('service_request_definitions').where({ tenant, name: 'Order a laptop' }).first('definition_id'))
      .definition_id;
    expect(
      await host.db.transaction((trx) => requests.submit(tenant, bakery, claire, { definitionId: draft, answers: {} }, { trx, ip: null })),
    ).to.equal(null);
    await host.db
      .transaction(async (trx) => {
        await requests.submit(tenant, bakery, claire, { definitionId: published, answers: { device: 'Rolled back' } }, { trx, ip: null });
        throw new Error('the portal failed after the host wrote');
      })
      .catch(() => {});
    expect(await count()).to.equal(before);
    expect(await host.db('tickets').where({ tenant }).count<{ count: string }[]>('* as count'), 'no ticket of it').to.deep.equal(
      ticketsBefore,
    );
  });
});
