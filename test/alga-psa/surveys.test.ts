// Satisfaction surveys on a real Alga PSA database, over HTTP as a client uses the portal beside
// Alga. Staff close Claire's ticket in Alga's screens; the portal, reading Alga's activity timeline
// (or, for a closing through updateTicket, which writes no row there, the ticket's own status),
// finds the invitation Alga's survey subscriber wrote for that closing or, where it wrote none,
// writes the one it would have (a matching ticket_closed trigger, the ticket's contact), and tells
// Claire (survey_invited). Each row the portal writes is compared, column by column, with the row
// Alga's own code writes for the same event, transcribed below from Alga's source:
// sendSurveyInvitation (server/src/services/surveyService.ts) and submitSurveyResponse
// (server/src/lib/actions/surveyResponseActions.ts). The survey page shows the template's words and
// scale, takes one answer, and is final after it; an expired invitation takes none; a ticket the
// client closed, or one no trigger matches, invites no one.
import { createHash, randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { Knex } from 'knex';
import request from 'supertest';
import { csrfFrom, signedInAgent } from '../support/portal-harness.ts';
import { hostNewsPass, type PortalOnHost } from '../support/portal-on-host.ts';
import { portalBesideAlga, startAlgaHost, unavailable, type AlgaHost } from './alga-host.ts';
import { CLAIRE_PASSWORD } from './seed.ts';

type Row = Record<string, unknown>;
const reason = unavailable();
const DAY_MS = 24 * 3600_000;

/** Alga's sendSurveyInvitation, its insert as written there (surveyService.ts), with issueSurveyToken's hash. */
async function algaSendsInvitation(db: Knex, args: { tenant: string; ticketId: string; templateId: string }): Promise<Row> {
  const ticket = await db('tickets').where({ tenant: args.tenant, ticket_id: args.ticketId }).first('client_id', 'contact_name_id');
  const plainToken = randomBytes(32).toString('base64url');
  const [row] = await db('survey_invitations')
    .insert({
      tenant: args.tenant,
      ticket_id: args.ticketId,
      client_id: ticket.client_id,
      contact_id: ticket.contact_name_id,
      template_id: args.templateId,
      survey_token_hash: createHash('sha256').update(plainToken, 'utf8').digest('base64url'),
      token_expires_at: new Date(Date.now() + 7 * DAY_MS),
      sent_at: db.fn.now(),
      responded: false,
    })
    .returning('*');
  return row as Row;
}

/** Alga's submitSurveyResponse's two writes (surveyResponseActions.ts), for an invitation. */
async function algaSubmitsResponse(db: Knex, invitation: Row, rating: number, comment: string | null): Promise<void> {
  await db.transaction(async (trx) => {
    const sentAt = new Date(invitation.sent_at as Date);
    await trx('survey_responses').insert({
      tenant: invitation.tenant,
      template_id: invitation.template_id,
      ticket_id: invitation.ticket_id,
      client_id: invitation.client_id,
      contact_id: invitation.contact_id,
      rating,
      comment,
      survey_token_hash: invitation.survey_token_hash,
      token_expires_at: invitation.token_expires_at,
      response_time_seconds: Math.max(0, Math.floor((Date.now() - sentAt.getTime()) / 1000)),
    });
    await trx('survey_invitations')
      .where({ tenant: invitation.tenant, invitation_id: invitation.invitation_id })
      .update({ responded: true, responded_at: trx.fn.now() });
  });
}

/**
 * Two rows of one table, one the portal wrote and one Alga's code wrote for an event of the same
 * kind: every column is there in both; those named in `same` are equal; the others (keys, token
 * hashes, moments, the ticket) are each checked by `shape`.
 */
function sameRow(portal: Row, alga: Row, same: string[], shape: Record<string, (value: unknown) => boolean>) {
  expect(Object.keys(portal).sort()).to.deep.equal(Object.keys(alga).sort());
  expect([...same, ...Object.keys(shape)].sort(), 'every column is compared').to.deep.equal(Object.keys(alga).sort());
  for (const column of same) expect(portal[column], column).to.deep.equal(alga[column]);
  for (const [column, holds] of Object.entries(shape)) {
    expect(holds(portal[column]), `the portal's ${column}: ${String(portal[column])}`).to.equal(true);
    expect(holds(alga[column]), `Alga's ${column}: ${String(alga[column])}`).to.equal(true);
  }
}

const isUuid = (value: unknown) => typeof value === 'string' && /^[0-9a-f-]{36}$/.test(value);
const isTokenHash = (value: unknown) => typeof value === 'string' && /^[A-Za-z0-9_-]{43}$/.test(value);
const isRecent = (value: unknown) => value instanceof Date && Math.abs(Date.now() - value.getTime()) < 60_000;
const inAWeek = (value: unknown) => value instanceof Date && Math.abs(value.getTime() - Date.now() - 7 * DAY_MS) < 60_000;

describe('alga-psa host: satisfaction surveys in survey_invitations and survey_responses', function () {
  this.timeout(180_000);
  let host: AlgaHost;
  let running: PortalOnHost;
  let claire: ReturnType<typeof request.agent>;
  let base: string;
  let tenant: string;
  const ids = {} as Record<'board' | 'open' | 'closed' | 'template' | 'otherBoard', string>;

  const pass = () => hostNewsPass(host.db, running);
  const invitationsOf = (ticketId: string) =>
    host.db('survey_invitations').where({ tenant, ticket_id: ticketId }).orderBy('created_at').select<Row[]>('*');
  const invited = async () =>
    host
      .db('portal_client_notifications')
      .where({ workspace_id: tenant, kind: 'survey_invited' })
      .orderBy('id')
      .select('subject_id', 'occurrence');

  /** Claire opens a ticket in the portal (her contact is its contact_name_id); its Alga id. */
  async function openTicket(subject: string): Promise<string> {
    const form = (await claire.get(`${base}/tickets/new`).expect(200)).text;
    const created = await claire
      .post(`${base}/tickets`)
      .type('form')
      .send({ _csrf: csrfFrom(form), subject, description: `About ${subject}.` })
      .expect(303);
    return (created.headers.location as string).split('/').pop()!;
  }

  /** Staff close the ticket in Alga's screens: the closed status, closed_at/closed_by, and the activity timeline's row. */
  async function staffClose(ticketId: string): Promise<void> {
    const { db, seed } = host;
    const now = new Date();
    await db('tickets')
      .where({ tenant, ticket_id: ticketId })
      .update({ status_id: ids.closed, is_closed: true, closed_at: now, closed_by: seed.users.tech, updated_at: now });
    await db('ticket_audit_logs').insert({
      tenant,
      ticket_id: ticketId,
      event_type: 'TICKET_CLOSED',
      entity_type: 'ticket',
      entity_id: ticketId,
      actor_type: 'user',
      actor_user_id: seed.users.tech,
      source: 'ui',
      occurred_at: now,
      changes: JSON.stringify({ status_id: { old: ids.open, new: ids.closed } }),
    });
  }

  /** Staff set the ticket's status in Alga again, leaving it closed as it was: a row of the timeline only. */
  async function timelineStatus(ticketId: string): Promise<void> {
    await host.db('ticket_audit_logs').insert({
      tenant,
      ticket_id: ticketId,
      event_type: 'TICKET_STATUS_CHANGED',
      entity_type: 'ticket',
      entity_id: ticketId,
      actor_type: 'user',
      actor_user_id: host.seed.users.tech,
      source: 'ui',
      occurred_at: new Date(),
      changes: JSON.stringify({ status_id: { old: ids.closed, new: ids.closed } }),
    });
  }

  before(async function () {
    // Skipped where no real Alga database can be made: its schema is loaded with psql into a
    // PostgreSQL server (DATABASE_URL), which the embedded engine is not. CI's PostgreSQL pass runs it.
    if (reason) this.skip();
    host = await startAlgaHost();
    const { db, seed } = host;
    tenant = seed.tenant;
    let slug: string;
    ({ running, slug } = await portalBesideAlga(host, { serve: true }));
    base = `/portal/${slug}`;
    const [board, otherBoard] = await db('boards')
      .insert([
        { tenant, board_name: 'General Support', is_default: true, display_order: 1 },
        { tenant, board_name: 'Projects', is_default: false, display_order: 2 },
      ])
      .returning('board_id');
    ids.board = board.board_id;
    ids.otherBoard = otherBoard.board_id;
    const status = (name: string, closed: boolean, order: number) => ({
      tenant,
      board_id: ids.board,
      name,
      status_type: 'ticket',
      item_type: 'ticket',
      order_number: order,
      is_closed: closed,
      is_default: !closed,
      created_by: seed.users.admin,
    });
    const [open, closed] = await db('statuses')
      .insert([status('New', false, 1), status('Closed', true, 2)])
      .returning('status_id');
    ids.open = open.status_id;
    ids.closed = closed.status_id;
    await db('priorities').insert({ tenant, priority_name: 'Medium', order_number: 1, item_type: 'ticket', created_by: seed.users.admin });
    // The tenant's survey: a 1–5 template with labels, sent when a ticket on the support board closes.
    const [template] = await db('survey_templates')
      .insert({
        tenant,
        template_name: 'Support',
        is_default: true,
        rating_type: 'stars',
        rating_scale: 5,
        rating_labels: JSON.stringify({ 1: 'Very poor', 5: 'Excellent' }),
        prompt_text: 'How would you rate our support on this ticket?',
        comment_prompt: 'Anything we should know?',
        thank_you_text: 'Thanks, Harbor IT.',
      })
      .returning('template_id');
    ids.template = template.template_id;
    await db('survey_triggers').insert({
      tenant,
      template_id: ids.template,
      trigger_type: 'ticket_closed',
      trigger_conditions: JSON.stringify({ board_id: [ids.board] }),
    });
    await db('workspace_client_portal_settings').insert({ workspace_id: tenant, show_tickets: true }).onConflict('workspace_id').merge();
    claire = await signedInAgent(request.agent(running.url), slug, { email: 'claire@harbor.example', password: CLAIRE_PASSWORD });
  });
  after(async function () {
    await running?.close();
    await host?.close();
  });

  if (reason) it(`is skipped: ${reason}`, () => {});

  it('writes the invitation Alga’s subscriber would for the agency’s closing, column by column, and tells Claire once', async function () {
    const ticket = await openTicket('The scanner jams');
    const reference = await openTicket('The plotter jams');
    await staffClose(ticket);
    await staffClose(reference);
    // Alga's own subscriber wrote the reference ticket's invitation at its closing; the portal writes the other's.
    const algaRow = await algaSendsInvitation(host.db, { tenant, ticketId: reference, templateId: ids.template });
    await pass();
    const [portalRow, ...more] = await invitationsOf(ticket);
    expect(more).to.have.length(0);
    sameRow(portalRow!, algaRow, ['tenant', 'client_id', 'contact_id', 'template_id', 'opened_at', 'responded', 'responded_at'], {
      invitation_id: isUuid,
      ticket_id: (value) => value === ticket || value === reference,
      survey_token_hash: isTokenHash,
      token_expires_at: inAWeek,
      sent_at: isRecent,
      created_at: isRecent,
    });
    expect(portalRow!.contact_id).to.equal(host.seed.contacts.claire);
    // Alga's own invitation is the one told of, and none is added beside it.
    expect(await invitationsOf(reference)).to.have.length(1);
    expect(await invited()).to.deep.equal([
      { subject_id: ticket, occurrence: `survey:${portalRow!.invitation_id}` },
      { subject_id: reference, occurrence: `survey:${algaRow.invitation_id}` },
    ]);
    // Staff set the closed status again (the same closing): no second invitation, no second notification.
    await timelineStatus(ticket);
    await pass();
    expect(await invitationsOf(ticket)).to.have.length(1);
    expect(await invited()).to.have.length(2);
    const list = (await claire.get(`${base}/notifications`).expect(200)).text;
    expect(list).to.contain('How did we do on').and.contain('The scanner jams');
    // Reopened and closed again by staff: Alga's subscriber invites at every TICKET_CLOSED, so a second invitation.
    await host
      .db('tickets')
      .where({ tenant, ticket_id: ticket })
      .update({ status_id: ids.open, is_closed: false, closed_at: null, closed_by: null });
    await staffClose(ticket);
    await pass();
    const invitations = await invitationsOf(ticket);
    expect(invitations).to.have.length(2);
    expect((await invited()).filter((row) => row.subject_id === ticket).map((row) => row.occurrence)).to.deep.equal(
      invitations.map((row) => `survey:${row.invitation_id}`),
    );
  });

  it('invites Claire once when staff close her ticket through updateTicket, which writes no activity row', async function () {
    const ticket = await openTicket('The dock does not charge');
    // The pass before: the ticket is listed open.
    await pass();
    // As Alga's updateTicket closes it from the ticket's page: the closed status, updated_at, no
    // ticket_audit_logs row (and closed_at / closed_by left as they were).
    await host.db('tickets').where({ tenant, ticket_id: ticket }).update({ status_id: ids.closed, updated_at: new Date() });
    await pass();
    const [invitation, ...more] = await invitationsOf(ticket);
    expect(invitation, 'the invitation Alga’s subscriber would write').to.not.equal(undefined);
    expect(more).to.have.length(0);
    expect(invitation).to.include({ contact_id: host.seed.contacts.claire, template_id: ids.template });
    expect((await invited()).filter((row) => row.subject_id === ticket)).to.deep.equal([
      { subject_id: ticket, occurrence: `survey:${invitation!.invitation_id}` },
    ]);
    // Read again: the closing is told once.
    await pass();
    expect(await invitationsOf(ticket)).to.have.length(1);
    expect((await invited()).filter((row) => row.subject_id === ticket)).to.have.length(1);
  });

  it('shows the template, takes one answer written as submitSurveyResponse writes it, and is final after', async function () {
    const ticket = await openTicket('The router blinks');
    const reference = await openTicket('The switch blinks');
    await staffClose(ticket);
    await staffClose(reference);
    await pass();
    const [algaInvitation] = await invitationsOf(reference);
    const url = `${base}/tickets/${ticket}/survey`;
    const page = (await claire.get(url).expect(200)).text;
    expect(page)
      .to.contain('How would you rate our support on this ticket?')
      .and.contain('Anything we should know?')
      .and.contain('1 – Very poor')
      .and.contain('5 – Excellent');
    expect((await invitationsOf(ticket))[0]!.opened_at, 'opened, as Alga’s survey page records it').to.be.instanceOf(Date);
    // Outside the template's scale: the form again, nothing written.
    const wrong = await claire
      .post(url)
      .type('form')
      .send({ _csrf: csrfFrom(page), rating: '7' })
      .expect(400);
    expect(wrong.text).to.contain('Choose one of the offered ratings.');
    expect(await host.db('survey_responses').where({ tenant, ticket_id: ticket })).to.have.length(0);
    await claire
      .post(url)
      .type('form')
      .send({ _csrf: csrfFrom(page), rating: '4', comment: 'Quick fix.' })
      .expect(303);
    await algaSubmitsResponse(host.db, algaInvitation!, 4, 'Quick fix.');

    const [portalResponse] = await host.db('survey_responses').where({ tenant, ticket_id: ticket }).select<Row[]>('*');
    const [algaResponse] = await host.db('survey_responses').where({ tenant, ticket_id: reference }).select<Row[]>('*');
    const [portalInvitation] = await invitationsOf(ticket);
    sameRow(portalResponse!, algaResponse!, ['tenant', 'client_id', 'contact_id', 'template_id', 'rating', 'comment'], {
      response_id: isUuid,
      ticket_id: (value) => value === ticket || value === reference,
      survey_token_hash: isTokenHash,
      token_expires_at: inAWeek,
      submitted_at: isRecent,
      created_at: isRecent,
      response_time_seconds: (value) => typeof value === 'number' && value >= 0 && value < 60,
    });
    expect(portalResponse!.survey_token_hash).to.equal(portalInvitation!.survey_token_hash);
    expect(portalResponse!.token_expires_at).to.deep.equal(portalInvitation!.token_expires_at);
    const [algaAfter] = await invitationsOf(reference);
    sameRow(portalInvitation!, algaAfter!, ['tenant', 'client_id', 'contact_id', 'template_id', 'responded'], {
      invitation_id: isUuid,
      ticket_id: (value) => value === ticket || value === reference,
      survey_token_hash: isTokenHash,
      token_expires_at: inAWeek,
      sent_at: isRecent,
      opened_at: (value) => value === null || isRecent(value),
      responded_at: isRecent,
      created_at: isRecent,
    });
    expect(portalInvitation!.responded).to.equal(true);

    // One answer per invitation, as Alga takes it: the thanks in the template's words, no form, a second answer refused.
    const thanks = (await claire.get(url).expect(200)).text;
    expect(thanks).to.contain('Thanks, Harbor IT.').and.contain('You rated this ticket 4 of 5').and.not.contain('name="rating"');
    await claire
      .post(url)
      .type('form')
      .send({ _csrf: csrfFrom(thanks), rating: '5' })
      .expect(409);
    expect(await host.db('survey_responses').where({ tenant, ticket_id: ticket })).to.have.length(1);
    const logged = await host.db('client_activity_logs').where({ workspace_id: tenant, event: 'ticket.rated' });
    expect(logged).to.have.length(1);
  });

  it('takes no answer once the invitation expired, and invites no one for a ticket Claire closed or no trigger matches', async function () {
    const ticket = await openTicket('The screen flickers');
    await staffClose(ticket);
    await pass();
    await host
      .db('survey_invitations')
      .where({ tenant, ticket_id: ticket })
      .update({ token_expires_at: new Date(Date.now() - 1000) });
    const page = (await claire.get(`${base}/tickets/${ticket}/survey`).expect(200)).text;
    expect(page).to.contain('This survey has closed without an answer.').and.not.contain('name="rating"');
    await claire
      .post(`${base}/tickets/${ticket}/survey`)
      .type('form')
      .send({ _csrf: csrfFrom(page), rating: '5' })
      .expect(409);

    // Claire closes one herself: staff then write a status on it, and still no one is invited.
    const own = await openTicket('Solved it myself');
    const ticketPage = (await claire.get(`${base}/tickets/${own}`).expect(200)).text;
    await claire
      .post(`${base}/tickets/${own}/close`)
      .type('form')
      .send({ _csrf: csrfFrom(ticketPage) })
      .expect(303);
    await host.db('ticket_audit_logs').insert({
      tenant,
      ticket_id: own,
      event_type: 'TICKET_STATUS_CHANGED',
      entity_type: 'ticket',
      entity_id: own,
      actor_type: 'user',
      actor_user_id: host.seed.users.tech,
      source: 'ui',
      occurred_at: new Date(),
      changes: JSON.stringify({ status_id: { old: ids.closed, new: ids.closed } }),
    });
    // A ticket on a board no trigger names.
    const elsewhere = await openTicket('On the projects board');
    await host.db('tickets').where({ tenant, ticket_id: elsewhere }).update({ board_id: ids.otherBoard });
    await staffClose(elsewhere);
    await pass();
    expect(await invitationsOf(own)).to.have.length(0);
    expect(await invitationsOf(elsewhere)).to.have.length(0);
    await claire.get(`${base}/tickets/${own}/survey`).expect(404);
  });
});
