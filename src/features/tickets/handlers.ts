// The tickets pages: the list (open, closed, all, with a search that keeps the tab), the new-ticket
// form, a ticket's page (status and history, the conversation, files both ways, reply, close and
// reopen, and once closed its satisfaction survey). Tickets and their messages are the host's, read and written
// through the adapter; the portal keeps the files and the rating. Each client act goes in the
// activity log (the agency's notifications are built from it) with a live event, in one
// transaction, announced after it commits. Opening a ticket is limited per person and per company
// (TICKET_LIMITS): over a limit the form comes back filled in, saying when, and nothing is sent.
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import {
  announce,
  attachmentLimitBytes,
  attachmentRefusalMessage,
  attachmentRefusalStatus,
  canClient,
  canSeeSection,
  clientActor,
  type EventBus,
  type FieldErrors,
  type FileStorage,
  formAnswerStatus,
  type HostAdapter,
  hostKeepsClientFiles,
  hostKeptUploads,
  HttpError,
  insertClientActivity,
  isFragmentRequest,
  mayActOnTickets,
  mayOpenTickets,
  notFound,
  parseParam,
  personOrCompanyRefusal,
  portalContext,
  portalI18n,
  type RateLimiter,
  type ReceivedAttachmentsForm,
  receiveAttachmentsForm,
  removeReceived,
  removeReceivedOnFailure,
  recordLiveEvent,
  renderPortalPage,
  requestMeta,
  sendDownload,
  signedInClient,
  type StoredAttachment,
  TICKET_LIMITS,
  translateFieldErrors,
  type VirusScanner,
  presentSearch,
  readerLanguages,
} from '../../core/index.ts';
import type { TicketDetail, TicketRefusal, TicketsPort, TicketUpload, TicketWrite } from './port.ts';
import { presentUploadTypes } from '../documents/index.ts';
import { sendKeptAttachment } from '../messages/index.ts';
import {
  AttachmentId,
  HostTicketId,
  type NewTicketInput,
  type NewTicketQueryInput,
  type ReplyInput,
  type SurveyAnswerInput,
  type TicketsQueryInput,
} from './commands.ts';
import { presentDetail, presentSummary, presentSurvey, type SurveyState } from './presenters.ts';
import { findTicketAttachment, findTicketRating, insertTicketAttachments, listTicketAttachments, saveTicketRating } from './queries.ts';

const TICKETS_PAGE_SIZE = 25;
/** The portal's own survey question runs from 1 to 5 (a host's template says its own scale). */
const PORTAL_SURVEY_SCALE = 5;
/** Why an answer was not kept, in the reader's words. */
const SURVEY_REFUSALS = {
  answered: 'tickets:errors.surveyAnswered',
  expired: 'tickets:errors.surveyExpired',
  colleague: 'tickets:errors.surveyAnsweredByColleague',
} as const;
/** The form's host choices: the options' kind and the field that sends it. */
const CHOICE_FIELDS = [
  ['categories', 'categoryId'],
  ['types', 'typeId'],
  ['priorities', 'priorityId'],
] as const;

export interface TicketsDeps {
  db: Knex;
  adapter: HostAdapter & { tickets: TicketsPort };
  storage: FileStorage;
  bus: EventBus;
  limiter: RateLimiter;
  virusScanner?: VirusScanner | undefined;
  /** config.workspaceStorageQuotaBytes: what the workspace's uploads may add up to. */
  storageQuotaBytes: number;
  onError: (message: string, err: unknown) => void;
}

/** The streamed form of this request (see receiveForm), for the handlers after validation. */
const receivedForms = new WeakMap<Request, ReceivedAttachmentsForm>();

export function createTicketsHandlers(deps: TicketsDeps) {
  const { db, adapter, storage, bus } = deps;
  const tickets = adapter.tickets;
  /** Whether the host records this write (TicketsPort.offers): one it does not is not offered, its route a 404. */
  const offered = (write: TicketWrite) => tickets.offers?.includes(write) ?? true;

  /**
   * The act in the log and its live event, in the transaction of the act itself (the host's write,
   * for a host on the portal's database, and the portal's files): all of it or none.
   */
  function logged(
    trx: Knex.Transaction,
    req: Request,
    res: Response,
    event: Parameters<typeof insertClientActivity>[2],
    ticket: { id: string; ref: string; subject: string },
    extra: Record<string, unknown> = {},
  ) {
    const { workspace } = portalContext(res);
    const { user } = signedInClient(res);
    return insertClientActivity(trx, clientActor(req, res), event, {
      ticketId: ticket.id,
      ref: ticket.ref,
      title: ticket.subject,
      ...extra,
    }).then(() =>
      recordLiveEvent(trx, {
        type: 'ticket-changed',
        workspaceId: workspace.id,
        clientId: user.client_id,
        data: { ticketId: ticket.id },
      }),
    );
  }

  /** The live event of a committed act, to every open page of both sides. */
  async function announceLive(live: Awaited<ReturnType<typeof logged>>) {
    await announce(bus, [live]).catch((err: unknown) => deps.onError('could not announce a live event', err));
  }

  /**
   * The received files as the host takes them, where it keeps the client's files itself
   * (keepsClientFiles); none otherwise, and the portal keeps them (keepAttachments).
   */
  function hostUploads(res: Response, stored: StoredAttachment[], hostKeeps: boolean): TicketUpload[] | undefined {
    if (!hostKeeps || stored.length === 0) return undefined;
    return hostKeptUploads(storage, portalContext(res).workspace.id, stored);
  }

  /** Whether the host keeps this person's files of an act. */
  const hostKeepsFiles = (res: Response, stored: StoredAttachment[]) => hostKeepsClientFiles(tickets, storage, res, stored);

  async function keepAttachments(trx: Knex.Transaction, res: Response, ticketId: string, stored: StoredAttachment[], hostKeeps: boolean) {
    if (hostKeeps) return [];
    const { workspace } = portalContext(res);
    const { user, contact } = signedInClient(res);
    return insertTicketAttachments(
      trx,
      stored.map((file) => ({
        workspaceId: workspace.id,
        clientId: user.client_id,
        ticketId,
        side: 'client' as const,
        clientUserId: user.id,
        staffId: null,
        authorName: contact.name,
        fileId: file.id,
        filename: file.filename,
        contentType: file.contentType,
        sizeBytes: file.sizeBytes,
      })),
    );
  }

  async function list(req: Request, res: Response) {
    const query = res.locals.query as TicketsQueryInput;
    const { workspace, base } = portalContext(res);
    const { user, access } = signedInClient(res);
    const i18n = portalI18n(res);
    const page = await tickets.list(
      workspace.id,
      user.client_id,
      user.contact_id,
      { state: query.tab, ...(query.q ? { search: query.q } : {}), languages: readerLanguages(res) },
      { limit: TICKETS_PAGE_SIZE, after: query.after ?? null },
    );
    const href = (params: Record<string, string | undefined>) => {
      const search = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined));
      return `${base}/tickets?${search}`;
    };
    // A search that finds nothing on the open or the closed tab may find it on the other: asked
    // once (one row), so "No open ticket matches" can say where it is.
    const elsewhere =
      query.q && query.tab !== 'all' && page.items.length === 0 && !query.after
        ? (await tickets.list(workspace.id, user.client_id, user.contact_id, { state: 'all', search: query.q }, { limit: 1, after: null }))
            .items.length > 0
        : false;
    renderPortalPage(req, res, 'tickets/index', i18n.t('tickets:title'), {
      tab: query.tab,
      q: query.q ?? '',
      search: presentSearch(query.q, page, href({ tab: query.tab })),
      elsewhereHref: elsewhere ? href({ tab: 'all', q: query.q }) : null,
      live: !isFragmentRequest(req),
      refreshUrl: href({ tab: query.tab, q: query.q }),
      tickets: page.items.map((ticket) => presentSummary(i18n, base, ticket)),
      nextUrl: page.next ? href({ tab: query.tab, q: query.q, after: page.next }) : null,
      firstPageUrl: query.after ? href({ tab: query.tab, q: query.q }) : null,
      canOpen: mayOpenTickets(access) && offered('create'),
      tabs: (['open', 'closed', 'all'] as const).map((tab) => ({
        tab,
        label: i18n.t(`tickets:tabs.${tab}`),
        href: href({ tab, q: query.q }),
        current: tab === query.tab,
      })),
    });
  }

  /** Counts one new ticket against the person's and the company's limits (TICKET_LIMITS). */
  const openingRefusal = (res: Response) =>
    personOrCompanyRefusal(deps.limiter, res, {
      perPerson: TICKET_LIMITS.ticketsPerPerson,
      perCompany: TICKET_LIMITS.ticketsPerCompany,
      personMessage: 'tickets:errors.tooManyForPerson',
      companyMessage: 'tickets:errors.tooManyForCompany',
    });

  async function newForm(
    req: Request,
    res: Response,
    form: { values?: Partial<NewTicketInput>; errors?: FieldErrors; limited?: string; refusal?: TicketRefusal } = {},
    status = 200,
  ) {
    const { workspace, settings, base, sectionPages } = portalContext(res);
    const { access } = signedInClient(res);
    if (!mayOpenTickets(access) || !offered('create')) throw notFound();
    const device = await deviceAbout(res, form.values?.deviceId);
    // Help articles matching the subject as it is typed, where the person may read the knowledge base.
    const suggestUrl = sectionPages.has('knowledge') && canSeeSection(settings, 'knowledge') ? `${base}/knowledge/suggestions` : null;
    const i18n = portalI18n(res);
    const options = await tickets.options(workspace.id, readerLanguages(res));
    const uploads = canClient(settings, 'upload_file');
    // A choice the form does not offer (the host has none of that kind) cannot carry its error:
    // that one is said above the form, as is the host's refusal, so no refused form looks blank.
    const errors = translateFieldErrors(form.errors ?? {}, i18n.t);
    const unshown = CHOICE_FIELDS.filter(([kind, field]) => errors[field] && options[kind].length === 0).map(([, field]) => errors[field]!);
    const refusal = form.refusal
      ? i18n.t('tickets:errors.hostRefused', { reason: i18n.t(`tickets:errors.hostRefusal.${form.refusal.refused}`) })
      : (unshown[0] ?? null);
    renderPortalPage(
      req,
      res,
      'tickets/new',
      i18n.t('tickets:new.title'),
      {
        action: `${base}/tickets`,
        cancelUrl: device?.href ?? `${base}/tickets`,
        options,
        device,
        values: { subject: '', description: '', categoryId: null, typeId: null, priorityId: null, ...form.values },
        // A refusal may be a key (an attachment's, a choice the host refused): said in the reader's language.
        errors,
        refusal,
        uploads,
        uploadTypes: uploads ? presentUploadTypes(i18n) : null,
        maxAttachment: i18n.fmt.fileSize(attachmentLimitBytes(settings.maxUploadMb)),
        limited: form.limited ?? null,
        suggestUrl,
      },
      status,
    );
  }

  /** Whether the person may open the devices pages: the host keeps devices, the section is on and theirs. */
  function seesDevices(res: Response): boolean {
    const { settings, sectionPages } = portalContext(res);
    return adapter.devices !== undefined && sectionPages.has('devices') && canSeeSection(settings, 'devices');
  }

  /**
   * The client's device a new ticket is about, read through the devices port: null when none is
   * named; 404 when the person may not see devices, or it is not their company's.
   */
  async function deviceAbout(res: Response, id: string | null | undefined): Promise<{ id: string; name: string; href: string } | null> {
    if (!id) return null;
    const { workspace, base } = portalContext(res);
    const { user } = signedInClient(res);
    const devices = adapter.devices;
    if (!devices || !seesDevices(res)) throw notFound('devices:errors.notFound');
    const device = await devices.find(workspace.id, user.client_id, user.contact_id, id);
    if (!device) throw notFound('devices:errors.notFound');
    return { id: device.id, name: device.name, href: `${base}/devices/${encodeURIComponent(device.id)}` };
  }

  async function loadTicket(res: Response): Promise<TicketDetail> {
    const { workspace } = portalContext(res);
    const { user } = signedInClient(res);
    const id = parseParam(HostTicketId, res.req.params.ticketId);
    const ticket = await tickets.find(workspace.id, user.client_id, user.contact_id, id, readerLanguages(res));
    if (!ticket) throw notFound('tickets:errors.notFound');
    return ticket;
  }

  async function show(req: Request, res: Response, form: { body?: string; errors?: FieldErrors } = {}, status = 200) {
    const { workspace, settings, base } = portalContext(res);
    const { user } = signedInClient(res);
    const i18n = portalI18n(res);
    const ticket = await loadTicket(res);
    const [attachments, hostFiles, survey] = await Promise.all([
      listTicketAttachments(db, { workspaceId: workspace.id, clientId: user.client_id, ticketId: ticket.id }),
      // The files attached in the host itself (by the agency in its own screens), where the host lets the portal read them.
      tickets.files ? tickets.files(workspace.id, user.client_id, ticket.id) : Promise.resolve([]),
      loadSurvey(res, ticket, false),
    ]);
    const uploads = canClient(settings, 'upload_file');
    const view = presentDetail(i18n, base, ticket, attachments, hostFiles, survey);
    // The devices it is about, linked to their pages, where the person sees devices at all.
    const devices = seesDevices(res)
      ? (ticket.devices ?? []).map((device) => ({ name: device.name, href: `${base}/devices/${encodeURIComponent(device.id)}` }))
      : [];
    renderPortalPage(
      req,
      res,
      'tickets/show',
      i18n.t('tickets:show.title', { ref: ticket.ref, subject: ticket.subject }),
      {
        ticket: view,
        devices,
        live: !isFragmentRequest(req),
        refreshUrl: view.url,
        body: form.body ?? '',
        // A refusal may be a key (an attachment's, a choice the host refused): said in the reader's language.
        errors: translateFieldErrors(form.errors ?? {}, i18n.t),
        uploads,
        // Reading a ticket is one grant of the host's roles; answering and closing it another.
        canAct: mayActOnTickets(signedInClient(res).access),
        // Each write only where the host records it.
        canReply: offered('reply'),
        canChangeState: offered(ticket.state === 'closed' ? 'reopen' : 'close'),
        uploadTypes: uploads ? presentUploadTypes(i18n) : null,
        maxAttachment: i18n.fmt.fileSize(attachmentLimitBytes(settings.maxUploadMb)),
      },
      status,
    );
  }

  /**
   * The ticket's survey as the person sees it: the host's, where it keeps surveys (the person's
   * latest invitation; `opening` tells the host the page is opened); else, once the ticket is
   * closed, the portal's own question and the company's answer it keeps. Null: there is none.
   */
  async function loadSurvey(res: Response, ticket: TicketDetail, opening: boolean): Promise<SurveyState | null> {
    if (ticket.state !== 'closed') return null;
    const { workspace } = portalContext(res);
    const { user } = signedInClient(res);
    if (tickets.surveys) return tickets.surveys.find(workspace.id, user.client_id, user.contact_id, ticket.id, opening);
    const row = await findTicketRating(db, { workspaceId: workspace.id, clientId: user.client_id, ticketId: ticket.id });
    // The person who answered may change it; for a colleague it stands as given.
    const colleagues = row !== null && row.client_user_id !== null && row.client_user_id !== user.id;
    return {
      template: null,
      answer: row ? { rating: row.rating, comment: row.comment, at: row.rated_at } : null,
      closed: colleagues ? 'colleague' : null,
    };
  }

  /**
   * A closed ticket's satisfaction survey: its question, the answer given (a thank-you, with the
   * answer shown), and, for a person who may act on tickets while it takes an answer, the form to
   * give or change it. An open ticket has no survey yet (409), nor one the host never invited the
   * person to (404), each said in the reader's language.
   */
  async function survey(
    req: Request,
    res: Response,
    form: { values?: { rating?: string; comment?: string }; errors?: FieldErrors } = {},
    status = 200,
  ) {
    const { base } = portalContext(res);
    const { access } = signedInClient(res);
    const i18n = portalI18n(res);
    const ticket = await loadTicket(res);
    if (ticket.state !== 'closed') throw new HttpError(409, 'tickets:errors.surveyOpen');
    const state = await loadSurvey(res, ticket, !form.errors);
    if (!state) throw notFound('tickets:errors.noSurvey');
    renderPortalPage(
      req,
      res,
      'tickets/survey',
      i18n.t('tickets:survey.title', { ref: ticket.ref }),
      {
        survey: presentSurvey(i18n, base, ticket, state, form.values),
        errors: translateFieldErrors(form.errors ?? {}, i18n.t),
        canAnswer: mayActOnTickets(access) && state.closed === null,
      },
      status,
    );
  }

  return {
    list,
    newForm: (req: Request, res: Response) => {
      const query = res.locals.query as NewTicketQueryInput;
      return newForm(req, res, query.device ? { values: { deviceId: query.device } } : {});
    },
    show: (req: Request, res: Response) => show(req, res),
    survey: (req: Request, res: Response) => survey(req, res),

    /** Only a person the host lets act on tickets replies, closes, reopens or rates. */
    mayAct: (_req: Request, res: Response, next: () => void) => {
      if (!mayActOnTickets(signedInClient(res).access)) throw notFound();
      next();
    },

    /** Only a person the host lets open tickets reaches the form's body. */
    mayOpen: (_req: Request, res: Response, next: () => void) => {
      if (!mayOpenTickets(signedInClient(res).access) || !offered('create')) throw notFound();
      next();
    },

    /** Only a write the host records is reached (TicketsPort.offers); another is a 404. */
    offers: (write: TicketWrite) => (_req: Request, _res: Response, next: () => void) => {
      if (!offered(write)) throw notFound();
      next();
    },

    /**
     * A form with files, streamed into storage under the upload rules the messages and documents
     * use (type, size, the workspace's quota and switch, the virus scanner); a plain form passes
     * straight through. The CSRF token travels in the body and is checked before a file is kept.
     */
    receiveForm: async (req: Request, res: Response, next: () => void) => {
      if (!req.is('multipart/form-data')) return next();
      receivedForms.set(req, await receiveAttachmentsForm(req, res, deps));
      next();
    },

    invalidNew: async (req: Request, res: Response, errors: FieldErrors) => {
      const received = receivedForms.get(req);
      if (received) await removeReceived(storage, portalContext(res).workspace.id, received.stored);
      const body = (req.body ?? {}) as Record<string, unknown>;
      const text = (key: string) => (typeof body[key] === 'string' ? (body[key] as string) : '');
      return newForm(
        req,
        res,
        {
          values: { subject: text('subject'), description: text('description'), deviceId: errors.deviceId ? null : text('deviceId') },
          errors,
        },
        formAnswerStatus(req, 400),
      );
    },

    create: async (req: Request, res: Response) => {
      const { workspace, base } = portalContext(res);
      const { user } = signedInClient(res);
      const input = req.body as NewTicketInput;
      const received = receivedForms.get(req);
      if (received?.refusal) {
        const status = attachmentRefusalStatus(received.refusal);
        const errors = { attachments: attachmentRefusalMessage(res, received.refusal) };
        return newForm(req, res, { values: input, errors }, formAnswerStatus(req, status));
      }
      const stored = received?.stored ?? [];
      // A device it is about must be one the person sees, before anything is kept.
      const device = await deviceAbout(res, input.deviceId).catch(removeReceivedOnFailure(storage, workspace.id, stored));
      // Before anything reaches the host: over a limit, the files just stored go again.
      const limited = await openingRefusal(res);
      if (limited) {
        await removeReceived(storage, workspace.id, stored);
        res.set('Retry-After', String(Math.max(1, Math.ceil(limited.retryAfterSeconds))));
        return newForm(req, res, { values: input, limited: limited.message }, formAnswerStatus(req, 429));
      }
      const hostKeeps = await hostKeepsFiles(res, stored);
      const uploads = hostUploads(res, stored, hostKeeps);
      // The ticket, its files and the log entry together; the files stored are removed if any fails.
      const opened = await db
        .transaction(async (trx) => {
          const ticket = await tickets.create(
            workspace.id,
            user.client_id,
            user.contact_id,
            {
              subject: input.subject,
              description: input.description,
              categoryId: input.categoryId,
              typeId: input.typeId,
              priorityId: input.priorityId,
              ...(uploads ? { files: uploads } : {}),
              ...(input.deviceId ? { deviceId: input.deviceId } : {}),
            },
            { trx, ip: requestMeta(req).ip },
          );
          if (!ticket || 'refused' in ticket) return { refusal: ticket };
          await keepAttachments(trx, res, ticket.id, stored, hostKeeps);
          // The device it is about goes in the log, so the agency's notice names it.
          const extra = { files: stored.length, ...(device ? { device: device.name } : {}) };
          return { ticket, live: await logged(trx, req, res, 'ticket.opened', ticket, extra) };
        })
        .catch(removeReceivedOnFailure(storage, workspace.id, stored));
      if ('refusal' in opened) {
        await removeReceived(storage, workspace.id, stored);
        // The host's own set-up refuses it (409: nothing the person can choose differently), or a choice is not the host's.
        return opened.refusal
          ? newForm(req, res, { values: input, refusal: opened.refusal }, formAnswerStatus(req, 409))
          : newForm(req, res, { values: input, errors: { categoryId: 'tickets:errors.choice' } }, formAnswerStatus(req, 400));
      }
      // The host holds its own copy now: the portal's goes.
      if (hostKeeps) await removeReceived(storage, workspace.id, stored);
      await announceLive(opened.live);
      res.redirect(303, `${base}/tickets/${encodeURIComponent(opened.ticket.id)}`);
    },

    invalidReply: async (req: Request, res: Response, errors: FieldErrors) => {
      const received = receivedForms.get(req);
      if (received) await removeReceived(storage, portalContext(res).workspace.id, received.stored);
      const body = typeof req.body?.body === 'string' ? (req.body.body as string) : '';
      return show(req, res, { body, errors }, formAnswerStatus(req, 400));
    },

    reply: async (req: Request, res: Response) => {
      const { workspace, base } = portalContext(res);
      const { user } = signedInClient(res);
      const input = req.body as ReplyInput;
      const received = receivedForms.get(req);
      const stored = received?.stored ?? [];
      const ticket = await loadTicket(res).catch(removeReceivedOnFailure(storage, workspace.id, stored));
      if (received?.refusal) {
        const status = attachmentRefusalStatus(received.refusal);
        const errors = { attachments: attachmentRefusalMessage(res, received.refusal) };
        return show(req, res, { body: input.body, errors }, formAnswerStatus(req, status));
      }
      if (ticket.state === 'closed') {
        await removeReceived(storage, workspace.id, stored);
        throw new HttpError(409, 'tickets:errors.closed');
      }
      const hostKeeps = await hostKeepsFiles(res, stored);
      const replied = await db
        .transaction(async (trx) => {
          const message = await tickets.reply(
            workspace.id,
            user.client_id,
            user.contact_id,
            ticket.id,
            input.body,
            { trx, ip: requestMeta(req).ip },
            hostUploads(res, stored, hostKeeps),
          );
          if (!message) return null;
          await keepAttachments(trx, res, ticket.id, stored, hostKeeps);
          const live = await logged(trx, req, res, 'ticket.replied', ticket, { excerpt: input.body.slice(0, 80), files: stored.length });
          return { message, live };
        })
        .catch(removeReceivedOnFailure(storage, workspace.id, stored));
      if (!replied) {
        await removeReceived(storage, workspace.id, stored);
        throw notFound('tickets:errors.notFound');
      }
      const { message } = replied;
      // The host holds its own copy now: the portal's goes.
      if (hostKeeps) await removeReceived(storage, workspace.id, stored);
      await announceLive(replied.live);
      if (isFragmentRequest(req)) return show(req, res);
      res.redirect(303, `${base}/tickets/${encodeURIComponent(ticket.id)}#message-${encodeURIComponent(message.id)}`);
    },

    setState: (to: 'open' | 'closed') => async (req: Request, res: Response) => {
      const { workspace, base } = portalContext(res);
      const { user } = signedInClient(res);
      const ticket = await loadTicket(res);
      // Only a real change is logged: closing a closed ticket again says nothing new.
      const changes = ticket.state === 'closed' ? to === 'open' : to === 'closed';
      const outcome = await db.transaction(async (trx) => {
        const changed = await tickets.setState(workspace.id, user.client_id, user.contact_id, ticket.id, to, {
          trx,
          ip: requestMeta(req).ip,
        });
        if (!changed) return null;
        return { live: changes ? await logged(trx, req, res, to === 'closed' ? 'ticket.closed' : 'ticket.reopened', ticket) : null };
      });
      if (!outcome) throw notFound('tickets:errors.notFound');
      if (outcome.live) await announceLive(outcome.live);
      if (isFragmentRequest(req)) return show(req, res);
      res.redirect(303, `${base}/tickets/${encodeURIComponent(ticket.id)}`);
    },

    invalidAnswer: async (req: Request, res: Response, errors: FieldErrors) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const text = (key: string) => (typeof body[key] === 'string' ? (body[key] as string) : '');
      return survey(req, res, { values: { rating: text('rating'), comment: text('comment') }, errors }, formAnswerStatus(req, 400));
    },

    /**
     * The survey's answer: to the host's invitation where the host keeps surveys (one answer, as
     * the host allows), else kept by the portal (a second answer replaces the first) and, where
     * the host takes a copy (noteSurveyAnswer), written on its ticket too; logged as ticket.rated
     * with it, in one transaction.
     */
    answer: async (req: Request, res: Response) => {
      const { workspace, base } = portalContext(res);
      const { user } = signedInClient(res);
      const input = req.body as SurveyAnswerInput;
      const ticket = await loadTicket(res);
      if (ticket.state !== 'closed') throw new HttpError(409, 'tickets:errors.surveyOpen');
      // The scale the answer is out of, for the log: the host's template's, else the portal's own.
      const scale = tickets.surveys
        ? ((await tickets.surveys.find(workspace.id, user.client_id, user.contact_id, ticket.id))?.template.scale ?? PORTAL_SURVEY_SCALE)
        : PORTAL_SURVEY_SCALE;
      const outcome = await db.transaction(async (trx) => {
        if (tickets.surveys) {
          const saved = await tickets.surveys.answer(workspace.id, user.client_id, user.contact_id, ticket.id, input, {
            trx,
            ip: requestMeta(req).ip,
          });
          if (saved !== 'saved') return { refused: saved };
        } else {
          if (input.rating > PORTAL_SURVEY_SCALE) return { refused: 'outOfScale' as const };
          const saved = await saveTicketRating(trx, {
            workspaceId: workspace.id,
            clientId: user.client_id,
            ticketId: ticket.id,
            clientUserId: user.id,
            rating: input.rating,
            comment: input.comment,
          });
          if (!saved) return { refused: 'colleague' as const };
          // Where the agency reads the ticket too (the host's own record of the answer).
          const noted = await tickets.noteSurveyAnswer?.(
            workspace.id,
            user.client_id,
            user.contact_id,
            ticket.id,
            { rating: input.rating, scale: PORTAL_SURVEY_SCALE, comment: input.comment ?? null },
            { trx, ip: requestMeta(req).ip },
          );
          // Thrown, so the portal's answer goes back with it.
          if (noted === false) throw notFound('tickets:errors.noSurvey');
          // A changed answer keeps what it replaced in the log: the answer's history.
          if (saved.replaced) {
            const replaced = { rating: saved.replaced.rating, comment: saved.replaced.comment, ratedAt: saved.replaced.rated_at };
            return { live: await logged(trx, req, res, 'ticket.rated', ticket, { rating: input.rating, scale, replaced }) };
          }
        }
        return { live: await logged(trx, req, res, 'ticket.rated', ticket, { rating: input.rating, scale }) };
      });
      if (outcome.refused !== undefined) {
        if (outcome.refused === null) throw notFound('tickets:errors.noSurvey');
        if (outcome.refused === 'outOfScale') {
          const body = { rating: String(input.rating), comment: input.comment ?? '' };
          return survey(req, res, { values: body, errors: { rating: 'tickets:errors.rating' } }, formAnswerStatus(req, 400));
        }
        // Answered already (the host keeps one answer, or a colleague gave it) or expired: said where the form was.
        throw new HttpError(409, SURVEY_REFUSALS[outcome.refused]);
      }
      await announceLive(outcome.live);
      res.redirect(303, `${base}/tickets/${encodeURIComponent(ticket.id)}/survey`);
    },

    attachment: async (req: Request, res: Response) => {
      const { workspace } = portalContext(res);
      const { user } = signedInClient(res);
      const ticket = await loadTicket(res);
      const attachmentId = parseParam(AttachmentId, req.params.attachmentId);
      const row = await findTicketAttachment(db, {
        workspaceId: workspace.id,
        clientId: user.client_id,
        ticketId: ticket.id,
        attachmentId,
      });
      await sendKeptAttachment(res, storage, workspace.id, row);
    },

    /** A file attached in the host: read through the port, which finds it only on this client's ticket. */
    hostFile: async (req: Request, res: Response) => {
      const { workspace } = portalContext(res);
      const { user } = signedInClient(res);
      const ticket = await loadTicket(res);
      const fileId = parseParam(HostTicketId, req.params.fileId);
      const file = tickets.fileContent ? await tickets.fileContent(workspace.id, user.client_id, ticket.id, fileId) : null;
      if (!file) throw notFound();
      await sendDownload(res, file);
    },
  };
}

export type TicketsHandlers = ReturnType<typeof createTicketsHandlers>;
