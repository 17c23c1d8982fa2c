// The records the benchmark's record pages open, for the signed-in demo client: its newest open
// proposal and quotation (open where there is one, so the page carries its accept and decline actions), its newest
// invoice, an invoice with a balance to pay, a payment (for its receipt), and a live public link to the proposal (made as staff
// would, through the portal's own query and token functions). The page paths in bench/run.ts name
// these by key: `{proposal}`, `{quotation}`, `{invoice}`, `{payable}`, `{paidInvoice}` and
// `{payment}`, `{publicLink}`. The admin's
// confirmation pages need ids as well: the signed-in client's user (`{clientUserId}`, asked about
// before disabling), the link's id (`{publicLinkId}`, before revoking), and another client user of
// the workspace with two-factor on (`{twoFactorUserId}`, before a reset; not the signed-in client,
// whose password sign-in would then stop at the second factor), and an open erasure request of that
// other client user (`{erasureRequest}`, the agency's review page), and an open request of the
// signed-in client's company for a new colleague (`{colleagueRequest}`, the agency's review page),
// and a workspace role (`{clientRole}`, its page), the client's newest project (`{project}`), and
// the client's ticket with the newest activity (`{ticket}`, its page), a published help article
// (`{article}`, its page; clients' answers on the articles for the agency's page of them), the quote-request form (`{requestDefinition}`) and a request of the
// client's sent through the CRM's own insert (`{request}`, its page, with a thread), an appointment of the
// client's a week ahead (`{appointment}`, its page), the client's first device (`{device}`), and an identity provider
// client's a week ahead (`{appointment}`, its page) and a confirmed one (`{confirmedAppointment}`, its
// .ics download), the client's contract with an allowance and that
// line (`{contract}`, `{contractLine}`), and an identity provider
// for single sign-on bound to the client's company with passwords still allowed (`{ssoProvider}`,
// its staff page; the sign-in page then carries its button). A custom domain waiting for its
// check is added too, for the custom domains page.
import { createHash, randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { insertPublicLink } from '../src/features/offers/public-links/queries.ts';
import { hashPublicToken, newTokenSalt, tokenFor } from '../src/features/offers/public-links/tokens.ts';
import { enableTwoFactor } from '../src/features/account/two-factor/queries.ts';
import { createSecretBox } from '../src/core/crypto/secret-box.ts';
import { insertServiceRequest } from '../plugins/reference-crm/queries/service-requests.ts';
import { insertApproval } from '../plugins/reference-crm/queries/approvals.ts';
import { homepageDesign } from '../plugins/reference-crm/seed-approvals.ts';

export type BenchRecords = Record<
  | 'proposal'
  | 'quotation'
  | 'invoice'
  | 'payable'
  | 'paidInvoice'
  | 'payment'
  | 'publicLink'
  | 'publicLinkId'
  | 'clientId'
  | 'clientUserId'
  | 'twoFactorUserId'
  | 'erasureRequest'
  | 'colleagueRequest'
  | 'clientRole'
  | 'project'
  | 'ticket'
  | 'resolvedTicket'
  | 'article'
  | 'requestDefinition'
  | 'request'
  | 'appointment'
  | 'confirmedAppointment'
  | 'approval'
  | 'order'
  | 'device'
  | 'contract'
  | 'contractLine'
  | 'ssoProvider',
  string
>;

export async function benchRecords(
  db: Knex,
  args: { workspaceId: string; clientId: string; clientEmail: string; staffEmail: string; secret: string },
): Promise<BenchRecords> {
  const scope = { workspace_id: args.workspaceId, client_id: args.clientId };
  const newestOpen = async (table: 'proposals' | 'quotations') => {
    // The newest open one; the newest shown one when none is open (the demo seed has no open quotation).
    const row = await db(table).where(scope).whereNot('status', 'draft').orderByRaw(`(status = 'sent') desc, id desc`).first('id');
    if (!row) throw new Error(`the demo client has no ${table}`);
    return String(row.id);
  };
  const invoice = await db('invoices').where(scope).whereNot('status', 'draft').orderBy('id', 'desc').first('id');
  const payable = await db('invoices as i')
    .where({ 'i.workspace_id': args.workspaceId, 'i.client_id': args.clientId })
    .whereIn('i.status', ['sent', 'overdue'])
    .whereRaw('i.total_cents > i.paid_cents')
    .orderBy('i.id', 'desc')
    .first('i.id');
  if (!invoice || !payable) throw new Error('the demo client has no invoice to show or to pay');
  // A payment of one of the client's shown invoices, for its receipt.
  const paid = await db('payments as p')
    .join('invoices as i', (on) => on.on('i.workspace_id', 'p.workspace_id').andOn('i.id', 'p.invoice_id'))
    .where({ 'i.workspace_id': args.workspaceId, 'i.client_id': args.clientId })
    .whereNot('i.status', 'draft')
    .orderBy('p.id', 'desc')
    .first('p.id as payment', 'i.id as invoice');
  if (!paid) throw new Error('the demo client has no payment to show a receipt of');
  const proposal = await newestOpen('proposals');
  const project = await db('projects').where(scope).orderBy('id', 'desc').first('id');
  if (!project) throw new Error('the demo client has no project');
  const staff = await db('staff_users').where({ workspace_id: args.workspaceId, email: args.staffEmail }).first('id');
  const salt = newTokenSalt();
  const token = tokenFor(args.secret, salt);
  const now = new Date();
  const publicLinkId = await insertPublicLink(db, {
    workspaceId: args.workspaceId,
    clientId: args.clientId,
    subjectType: 'proposal',
    subjectId: proposal,
    tokenSalt: salt,
    tokenHash: hashPublicToken(token),
    allowDecision: true,
    staffId: String(staff.id),
    expiresAt: new Date(now.getTime() + 30 * 86_400_000),
    createdAt: now,
  });
  const clientUser = await db('client_users').where({ workspace_id: args.workspaceId, email: args.clientEmail.toLowerCase() }).first('id');
  if (!clientUser) throw new Error('the signed-in client has no client user');
  // Their company's client admin, so the team page is theirs to measure too.
  await db('client_users').where({ workspace_id: args.workspaceId, id: clientUser.id }).update({ role: 'admin' });
  const other = await db('client_users')
    .where({ workspace_id: args.workspaceId, status: 'active' })
    .whereNot('id', clientUser.id)
    .orderBy('id')
    .first('id');
  if (!other) throw new Error('the demo workspace needs a second active client user');
  const twoFactorUserId = String(other.id);
  await enableTwoFactor(
    db,
    args.workspaceId,
    twoFactorUserId,
    createSecretBox(args.secret).seal('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', twoFactorUserId),
    0,
  );
  const [erasure] = await db('portal_erasure_requests')
    .insert({
      workspace_id: args.workspaceId,
      client_user_id: twoFactorUserId,
      client_id: String(
        (await db('client_users').where({ workspace_id: args.workspaceId, id: twoFactorUserId }).first('client_id')).client_id,
      ),
      reason: 'Benchmark',
    })
    .onConflict(db.raw("(workspace_id, client_user_id) where status = 'requested'"))
    .merge({ reason: 'Benchmark' })
    .returning('id');
  // A domain waiting for its check, so the custom domains page shows its records to create.
  await db('portal_custom_domain_hosts')
    .insert({ hostname: 'portal.bench.test', workspace_id: args.workspaceId })
    .onConflict('hostname')
    .ignore();
  await db('portal_custom_domains')
    .insert({ workspace_id: args.workspaceId, hostname: 'portal.bench.test', token: 'c'.repeat(32) })
    .onConflict(['workspace_id', 'hostname'])
    .ignore();
  const [colleague] = await db('portal_colleague_requests')
    .insert({
      workspace_id: args.workspaceId,
      client_id: args.clientId,
      requested_by: String(clientUser.id),
      name: 'Benchmark Colleague',
      email: 'benchmark-colleague@example.test',
      note: 'Benchmark',
    })
    .onConflict(db.raw("(workspace_id, client_id, email) where status = 'open'"))
    .merge({ note: 'Benchmark' })
    .returning('id');
  const [role] = await db('client_roles')
    .insert({ workspace_id: args.workspaceId, id: randomUUID(), name: 'Benchmark role', permissions: ['invoices', 'documents'] })
    .onConflict(['workspace_id', 'name'])
    .merge({ permissions: ['invoices', 'documents'] })
    .returning('id');
  // The CRM's ticket with the newest activity: the ticket page with its conversation and history.
  const ticket = await db('tickets').where(scope).orderBy('last_activity_at', 'desc').first('id');
  if (!ticket) throw new Error('the demo client has no ticket');
  // A ticket the agency resolved: its satisfaction survey.
  const resolved = await db('tickets').where(scope).whereIn('status', ['resolved', 'closed']).orderBy('id').first('id');
  if (!resolved) throw new Error('the demo client has no resolved ticket');
  // A published help article of the workspace, for its page.
  const article = await db('kb_articles')
    .where({ workspace_id: args.workspaceId, audience: 'client', status: 'published', language: 'en' })
    .orderBy('id')
    .first('id');
  if (!article) throw new Error('the demo workspace has no published help article');
  // Clients' "Was this helpful?" answers for the agency's page: a few on each of the workspace's
  // articles and on 300 more (since removed), so the page is a full one with more behind it.
  const articleIds = (await db('kb_articles').where({ workspace_id: args.workspaceId }).select('id')).map((row: { id: number }) =>
    String(row.id),
  );
  await db('portal_knowledge_votes')
    .insert(
      [...articleIds, ...Array.from({ length: 300 }, (_, i) => `bench-${i}`)].flatMap((articleId, i) =>
        Array.from({ length: 1 + (i % 7) }, (_, n) => ({
          workspace_id: String(args.workspaceId),
          article_id: articleId,
          // The same people each run, so a second run adds nothing.
          client_user_id: `00000000-0000-4000-8000-${String(i * 10 + n).padStart(12, '0')}`,
          helpful: (i + n) % 3 !== 0,
        })),
      ),
    )
    .onConflict()
    .ignore();
  // The quote-request form, and a request of the client's with its answers, sent as the portal does.
  const definition = await db('request_definitions')
    .where({ workspace_id: args.workspaceId, kind: 'quote', published: true })
    .orderBy('position')
    .first('id', 'name', 'fields');
  if (!definition) throw new Error('the demo workspace offers no quote request');
  const contact = await db('contacts')
    .where({ workspace_id: args.workspaceId, client_id: args.clientId, email: args.clientEmail })
    .first('id');
  const request = await insertServiceRequest(db, {
    workspaceId: Number(args.workspaceId),
    definitionId: definition.id,
    clientId: Number(args.clientId),
    contactId: contact.id,
    title: definition.name,
    kind: 'quote',
    fields: definition.fields,
    payload: { product: 'flyers', quantity: 500, deadline: '2027-05-31', finishes: ['matte'], notes: 'Benchmark' },
  });
  // Its thread: the client's question and the agency's reply, as the request's page shows them.
  const thread = { workspace_id: args.workspaceId, subject_type: 'request', subject_id: String(request.id) };
  await db('client_comments').insert([
    { ...thread, author_contact_id: String(contact.id), author_name: 'Client', body: 'Could the flyers be ready by Friday?' },
    { ...thread, author_contact_id: null, author_name: 'Agency', body: 'Yes: they ship on Thursday.' },
  ]);
  // An appointment of the client's a week ahead at a time of its own (each run books a new one).
  const service = await db('appointment_services').where({ workspace_id: args.workspaceId }).orderBy('id').first('id');
  if (!service || !contact) throw new Error('the demo workspace books no appointments');
  const startsAt = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 7 * 86_400_000);
  const [appointment] = await db('appointments')
    .insert({
      ...scope,
      contact_id: contact.id,
      service_id: service.id,
      starts_at: startsAt,
      ends_at: new Date(startsAt.getTime() + 30 * 60_000),
      time_zone: 'Europe/Berlin',
      status: 'cancelled',
    })
    .returning('id');
  // A confirmed one, for its calendar file: the client's own where an earlier run made one (standing
  // times may not overlap), else one an hour after the cancelled one.
  const confirmedAt = new Date(startsAt.getTime() + 3_600_000);
  const confirmedAppointment =
    (await db('appointments')
      .where({ ...scope, status: 'confirmed' })
      .first('id')) ??
    (
      await db('appointments')
        .insert({
          ...scope,
          contact_id: contact.id,
          service_id: service.id,
          starts_at: confirmedAt,
          ends_at: new Date(confirmedAt.getTime() + 30 * 60_000),
          time_zone: 'Europe/Berlin',
          status: 'confirmed',
        })
        .returning('id')
    )[0];
  // Work shared with the client for approval, at version 1 (its page shows the design inline).
  const design = homepageDesign();
  const staffUser = await db('staff_users').where({ workspace_id: args.workspaceId }).orderBy('id').first('id');
  const approval = await db.transaction((trx) =>
    insertApproval(trx, {
      workspaceId: Number(args.workspaceId),
      clientId: Number(args.clientId),
      title: 'Benchmark design',
      file: {
        filename: 'benchmark-design.png',
        contentType: 'image/png',
        content: design,
        sha256: createHash('sha256').update(design).digest('hex'),
        message: 'Benchmark',
        staffId: staffUser.id,
      },
    }),
  );
  // The client's newest order, with its lines and deliveries.
  const order = await db('orders').where(scope).whereNot('status', 'draft').orderBy('ordered_on', 'desc').first('id');
  if (!order) throw new Error('the demo client has no order');
  // The client's first seeded device (its page, and the new-ticket form started from it).
  const device = await db('devices').where(scope).orderBy('id').first('id');
  if (!device) throw new Error('the demo client has no devices');
  // The client's contract with an allowance (the demo's support contract) and that line (`{contract}`, `{contractLine}`).
  const contractLine = await db('contract_lines as l')
    .join('contracts as k', (j) => j.on('k.workspace_id', 'l.workspace_id').andOn('k.id', 'l.contract_id'))
    .where({ 'k.workspace_id': args.workspaceId, 'k.client_id': args.clientId, 'k.status': 'active' })
    .whereNotNull('l.allowance')
    .orderBy('l.id')
    .first('l.id', 'l.contract_id');
  if (!contractLine) throw new Error('the demo client has no contract with an allowance');
  const ssoProvider = randomUUID();
  await db('portal_sso_providers').insert({
    workspace_id: args.workspaceId,
    id: ssoProvider,
    display_name: 'Benchmark ID',
    issuer_url: 'https://id.example.test',
    client_id: 'portal',
  });
  await db('portal_sso_bindings')
    .insert({ workspace_id: args.workspaceId, client_id: args.clientId, provider_id: ssoProvider, email_domains: ['example.test'] })
    .onConflict(['workspace_id', 'client_id'])
    .merge({ provider_id: ssoProvider });
  return {
    ssoProvider,
    ticket: String(ticket.id),
    resolvedTicket: String(resolved.id),
    article: String(article.id),
    requestDefinition: String(definition.id),
    request: String(request.id),
    appointment: String(appointment.id),
    confirmedAppointment: String(confirmedAppointment.id),
    approval: String(approval),
    order: String(order.id),
    device: String(device.id),
    contract: String(contractLine.contract_id),
    contractLine: String(contractLine.id),
    proposal,
    quotation: await newestOpen('quotations'),
    invoice: String(invoice.id),
    payable: String(payable.id),
    paidInvoice: String(paid.invoice),
    payment: String(paid.payment),
    publicLink: token,
    publicLinkId,
    clientId: args.clientId,
    clientUserId: String(clientUser.id),
    twoFactorUserId,
    erasureRequest: String((erasure as { id: string }).id),
    colleagueRequest: String((colleague as { id: string }).id),
    clientRole: String((role as { id: string }).id),
    project: String(project.id),
  };
}
