// Alga PSA's satisfaction surveys, written as Alga's own code writes them:
// - an invitation when the agency closes a ticket: Alga's survey subscriber
//   (server/src/lib/eventBus/subscribers/surveySubscriber.ts, on TICKET_CLOSED) takes the tenant's
//   survey_triggers of type 'ticket_closed' that are enabled and whose trigger_conditions match the
//   ticket (board_id, status_id, priority: each a list, empty or absent matching any), and for each
//   template sendSurveyInvitation (server/src/services/surveyService.ts) inserts a
//   survey_invitations row: the ticket, its client and contact (contact_name_id, which must have
//   an email), the template (enabled), a token's hash (surveyTokenService.ts: 32 random bytes as
//   base64url, hashed with SHA-256 as base64url), expiring in 7 days, sent_at now, responded false;
// - opening the survey sets the invitation's opened_at once (getSurveyInvitationForToken);
// - an answer (submitSurveyResponse, server/src/lib/actions/surveyResponseActions.ts): within the
//   template's scale, only to an invitation not yet answered and not expired, a survey_responses
//   row (template, ticket, client, contact, rating, comment or null, the invitation's token hash
//   and expiry, the seconds since it was sent), and the invitation marked responded with
//   responded_at, in one transaction with the invitation locked.
// The plain token is Alga's own email's link to its public /surveys/respond page; the portal keeps
// none (its person is signed in), so only the hash is written, as Alga keeps it.
// Every statement is scoped by tenant and the ticket's client.
import { createHash, randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { Db } from './db.ts';

/** Alga's DEFAULT_TOKEN_TTL_HOURS (surveyService.ts): an invitation takes an answer for 7 days. */
const TOKEN_TTL_MS = 7 * 24 * 3600_000;

/** Alga's isValidEmail (server/src/lib/utils/validation.ts) in spirit: something@domain.tld, no spaces. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface ClosedTicketRow {
  ticket_id: string;
  ticket_number: string;
  title: string | null;
  client_id: string;
  contact_name_id: string | null;
  board_id: string | null;
  status_id: string | null;
  priority_id: string | null;
  closed_at: Date | null;
  /** Whether a client login closed it (Alga's client portal records the login as closed_by). */
  closed_by_client: boolean;
}

export interface InvitationRow {
  invitation_id: string;
  ticket_id: string;
  client_id: string | null;
  contact_id: string | null;
  template_id: string;
  survey_token_hash: string;
  token_expires_at: Date;
  sent_at: Date;
  opened_at: Date | null;
  responded: boolean;
  responded_at: Date | null;
  created_at: Date;
}

export interface SurveyRow extends InvitationRow {
  rating_type: string;
  rating_scale: number;
  rating_labels: unknown;
  prompt_text: string;
  comment_prompt: string;
  thank_you_text: string;
  response_rating: number | null;
  response_comment: string | null;
  submitted_at: Date | null;
}

interface TriggerRow {
  template_id: string;
  trigger_type: string;
  trigger_conditions: { board_id?: string[]; status_id?: string[]; priority?: string[] } | string | null;
  enabled: boolean;
}

/** The ticket of the client, where it is closed (its status's is_closed, else its own flag). */
export async function findClosedTicket(
  db: Db,
  args: { tenant: string; clientId: string; ticketId: string },
): Promise<ClosedTicketRow | null> {
  const row = await db('tickets as t')
    .leftJoin('statuses as s', function joinStatus() {
      this.on('s.tenant', '=', 't.tenant').andOn('s.status_id', '=', 't.status_id');
    })
    .leftJoin('users as u', function joinCloser() {
      this.on('u.tenant', '=', 't.tenant').andOn('u.user_id', '=', 't.closed_by');
    })
    .where({ 't.tenant': args.tenant, 't.client_id': args.clientId, 't.ticket_id': args.ticketId })
    .andWhereRaw('coalesce(s.is_closed, t.is_closed, false)')
    .first<ClosedTicketRow | undefined>(
      't.ticket_id',
      't.ticket_number',
      't.title',
      't.client_id',
      't.contact_name_id',
      't.board_id',
      't.status_id',
      't.priority_id',
      't.closed_at',
      db.raw(`coalesce(u.user_type = 'client', false) as closed_by_client`),
    );
  return row ?? null;
}

/** The contact's newest invitation on the ticket since `since` (this closing), or null. */
export async function latestInvitation(
  db: Db,
  args: { tenant: string; clientId: string; ticketId: string; contactId: string; since?: Date | null },
): Promise<InvitationRow | null> {
  const query = db('survey_invitations')
    .where({ tenant: args.tenant, client_id: args.clientId, ticket_id: args.ticketId, contact_id: args.contactId })
    .orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'invitation_id', order: 'desc' },
    ]);
  if (args.since) query.andWhere('created_at', '>=', args.since);
  return (await query.first<InvitationRow | undefined>()) ?? null;
}

function conditionsOf(value: TriggerRow['trigger_conditions']): { board_id?: string[]; status_id?: string[]; priority?: string[] } {
  if (!value) return {};
  if (typeof value === 'string') {
    try {
      return conditionsOf(JSON.parse(value) as TriggerRow['trigger_conditions']);
    } catch {
      return {};
    }
  }
  return value;
}

/** Alga's matchesConditions (surveySubscriber.ts): each listed condition must hold; none listed matches every ticket. */
function matches(trigger: TriggerRow, ticket: ClosedTicketRow): boolean {
  const conditions = conditionsOf(trigger.trigger_conditions);
  const holds = (list: string[] | undefined, value: string | null) => !list?.length || (value !== null && list.includes(value));
  return (
    holds(conditions.board_id, ticket.board_id) &&
    holds(conditions.status_id, ticket.status_id) &&
    holds(conditions.priority, ticket.priority_id)
  );
}

/** The templates Alga's subscriber would send for this closed ticket: its enabled ticket_closed triggers that match, each template once. */
export async function matchingTemplates(db: Db, tenant: string, ticket: ClosedTicketRow): Promise<string[]> {
  const triggers = await db('survey_triggers')
    .where({ tenant })
    .orderBy('created_at', 'asc')
    .select<TriggerRow[]>('template_id', 'trigger_type', 'trigger_conditions', 'enabled');
  const ids = triggers.filter((t) => t.enabled && t.trigger_type === 'ticket_closed' && matches(t, ticket)).map((t) => t.template_id);
  if (ids.length === 0) return [];
  // sendSurveyInvitation's loadTemplate: a disabled or missing template sends nothing.
  const enabled = new Set(
    (
      await db('survey_templates')
        .where({ tenant, enabled: true })
        .whereIn('template_id', ids)
        .select<{ template_id: string }[]>('template_id')
    ).map((row) => row.template_id),
  );
  return [...new Set(ids)].filter((id) => enabled.has(id));
}

/** Whether the contact can be invited: sendSurveyInvitation refuses a contact without a valid email. */
export async function contactHasEmail(db: Db, tenant: string, contactId: string): Promise<boolean> {
  const row = await db('contacts').where({ tenant, contact_name_id: contactId }).first<{ email: string | null } | undefined>('email');
  return Boolean(row?.email && EMAIL.test(row.email));
}

/** surveyTokenService.issueSurveyToken's hash of a fresh token: what survey_invitations keeps. */
function freshTokenHash(): string {
  const plain = randomBytes(32).toString('base64url');
  return createHash('sha256').update(plain, 'utf8').digest('base64url');
}

/** sendSurveyInvitation's row, for one template. */
export async function insertInvitation(
  trx: Knex.Transaction,
  args: { tenant: string; ticket: ClosedTicketRow; contactId: string; templateId: string },
): Promise<InvitationRow> {
  const [row] = await trx('survey_invitations')
    .insert({
      tenant: args.tenant,
      ticket_id: args.ticket.ticket_id,
      client_id: args.ticket.client_id,
      contact_id: args.contactId,
      template_id: args.templateId,
      survey_token_hash: freshTokenHash(),
      token_expires_at: new Date(Date.now() + TOKEN_TTL_MS),
      sent_at: trx.fn.now(),
      responded: false,
    })
    .returning<InvitationRow[]>('*');
  return row!;
}

/**
 * The contact's newest invitation on the ticket with its template (as resolveSurveyTenantFromToken
 * joins them) and its answer (by the token's hash, as survey_responses keys it), or null.
 */
export async function findSurvey(
  db: Db,
  args: { tenant: string; clientId: string; ticketId: string; contactId: string },
): Promise<SurveyRow | null> {
  const row = await db('survey_invitations as i')
    .join('survey_templates as st', function joinTemplate() {
      this.on('st.tenant', '=', 'i.tenant').andOn('st.template_id', '=', 'i.template_id');
    })
    .leftJoin('survey_responses as r', function joinResponse() {
      this.on('r.tenant', '=', 'i.tenant').andOn('r.survey_token_hash', '=', 'i.survey_token_hash');
    })
    .where({ 'i.tenant': args.tenant, 'i.client_id': args.clientId, 'i.ticket_id': args.ticketId, 'i.contact_id': args.contactId })
    .orderBy([
      { column: 'i.created_at', order: 'desc' },
      { column: 'i.invitation_id', order: 'desc' },
    ])
    .first<SurveyRow | undefined>(
      'i.*',
      'st.rating_type',
      'st.rating_scale',
      'st.rating_labels',
      'st.prompt_text',
      'st.comment_prompt',
      'st.thank_you_text',
      'r.rating as response_rating',
      'r.comment as response_comment',
      'r.submitted_at',
    );
  return row ?? null;
}

/** getSurveyInvitationForToken: opened_at, the first time only. */
export async function markOpened(db: Db, args: { tenant: string; invitationId: string }): Promise<void> {
  await db('survey_invitations')
    .where({ tenant: args.tenant, invitation_id: args.invitationId })
    .whereNull('opened_at')
    .update({ opened_at: db.fn.now() });
}

/** The invitation, locked for the answer (submitSurveyResponse's forUpdate). */
export async function lockInvitation(trx: Knex.Transaction, args: { tenant: string; invitationId: string }): Promise<InvitationRow | null> {
  const row = await trx('survey_invitations')
    .where({ tenant: args.tenant, invitation_id: args.invitationId })
    .forUpdate()
    .first<InvitationRow | undefined>();
  return row ?? null;
}

/** submitSurveyResponse's writes: the response row, then the invitation marked responded. */
export async function insertResponse(
  trx: Knex.Transaction,
  args: { tenant: string; invitation: InvitationRow; rating: number; comment: string | null },
): Promise<void> {
  const { invitation } = args;
  const seconds = Math.max(0, Math.floor((Date.now() - new Date(invitation.sent_at).getTime()) / 1000));
  await trx('survey_responses').insert({
    tenant: args.tenant,
    template_id: invitation.template_id,
    ticket_id: invitation.ticket_id,
    client_id: invitation.client_id,
    contact_id: invitation.contact_id,
    rating: args.rating,
    comment: args.comment,
    survey_token_hash: invitation.survey_token_hash,
    token_expires_at: invitation.token_expires_at,
    response_time_seconds: seconds,
  });
  await trx('survey_invitations')
    .where({ tenant: args.tenant, invitation_id: invitation.invitation_id })
    .update({ responded: true, responded_at: trx.fn.now() });
}
