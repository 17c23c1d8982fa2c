// The staff record page for one proposal, quotation or invoice of a client: what the client did
// with it, the acceptance evidence with a fingerprint check, the public links (create, copy,
// revoke, access log), the signed PDF, and "view as this client": the client's own page rendered
// read-only for staff, from the same templates, with no client session created.
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import {
  activityLabel,
  buildBranding,
  canManagePortal,
  canSeeSection,
  type ClientAccess,
  documentPreview,
  effectiveSettings,
  type FieldErrors,
  type FileStorage,
  findClientDenied,
  findSettings,
  type HostAdapter,
  insertStaffActivity,
  isEmbeddableImage,
  isFragmentRequest,
  listActivityForRecord,
  listClientUsers,
  listRoles,
  notFound,
  parseParam,
  pdfFilename,
  previewBrand,
  renderAdminPage,
  renderPdfFor,
  requestI18n,
  resolveAccess,
  sendPage,
  sendPdf,
  staffActor,
  staffContext,
  staffHiddenReason,
  staffRoleName,
  type Translate,
  HostIdParam,
} from '../../../core/index.ts';
import { presentOfferActions, presentDecision } from '../decisions/presenters.ts';
import { expiryTimeZone, type OfferDecisions } from '../decisions/service.ts';
import { signedPdfModel } from '../decisions/signed-pdf.ts';
import { invoiceClientPage, onlinePayersOf, paymentMethodLabel, receiptNumber } from '../../invoices/index.ts';
import { describeDevice } from '../../account/index.ts';
import { offerPdfModel, presentOfferDetail } from '../presenters.ts';
import type { PublicLinks } from '../public-links/service.ts';
import type { LiveCommentsPort } from '../../messages/index.ts';
import { COMMENT_MAX_LENGTH } from '../../messages/index.ts';
import { LinkIdParam, RecordKindParam, type CreateLinkInput, type StaffCommentInput, type ViewAsQueryInput } from './commands.ts';

export interface RecordDeps {
  db: Knex;
  adapter: HostAdapter;
  /** The record's comment thread; announces each staff comment to the client's open pages. */
  comments: LiveCommentsPort;
  /** The agency's live stream, which the page follows to refresh its thread. */
  streamUrl: string;
  decisions: OfferDecisions;
  links: PublicLinks;
  storage: FileStorage;
  portalPath: string;
  appUrl: string;
  now: () => Date;
}

const STAFF_TIME_ZONE = 'UTC';

export function createRecordHandlers(deps: RecordDeps) {
  const { db, adapter, decisions, links } = deps;
  // Only an absolute http(s) address becomes a link: the host's URL is configuration, not trusted markup.
  const crmLink = (kind: 'proposal' | 'quotation' | 'invoice', id: string, t: Translate): { href: string; label: string } | null => {
    const href = adapter.recordPages?.urlFor(kind, id) ?? null;
    return href && /^https?:\/\//i.test(href) ? { href, label: t('offers:record.openInCrm', { crm: adapter.recordPages!.crmName }) } : null;
  };

  function params(req: Request) {
    return {
      kind: parseParam(RecordKindParam, req.params.kind),
      clientId: parseParam(HostIdParam, req.params.clientId),
      id: parseParam(HostIdParam, req.params.id),
    };
  }

  async function load(req: Request, res: Response) {
    const { workspace, base } = staffContext(res);
    const { kind, clientId, id } = params(req);
    const [record, client] = await Promise.all([
      links.record(workspace.id, clientId, kind, id),
      adapter.clients.findById(workspace.id, clientId),
    ]);
    if (!record || !client) throw notFound('We could not find that record for this client.');
    const href = `${base}/records/${kind}/${encodeURIComponent(clientId)}/${encodeURIComponent(id)}`;
    return { kind, clientId, id, record, client, href, workspace };
  }

  /** The page, or (a live refresh, a fragment) the same page for htmx to pick the thread from. */
  async function showPage(req: Request, res: Response, form: { draft?: string; error?: string } = {}, status = 200) {
    const { kind, clientId, id, record, client, href, workspace } = await load(req, res);
    // The staff member's language and time zone, not the browser's language with UTC.
    const { i18n, staff } = staffContext(res);
    const { t } = i18n;
    // Every staff member reads the evidence; only admins get the forms (public links, comments, view as client).
    const manages = canManagePortal(staff, workspace.id);
    const [comments, activity, linkData, state, payers] = await Promise.all([
      deps.comments.list(workspace.id, { type: kind, id }),
      listActivityForRecord(db, { workspaceId: workspace.id, clientId, kind, id, limit: 100 }),
      links.forSubject(workspace.id, clientId, kind, id),
      record.type === 'invoice' ? null : decisions.stateOf(workspace.id, clientId, record.offer, STAFF_TIME_ZONE),
      record.type === 'invoice' ? onlinePayersOf(db, { workspaceId: workspace.id, clientId, invoiceId: id }) : [],
    ]);
    const payerOf = new Map(payers.map((payer) => [payer.host_payment_id, payer.email]));
    // As the client reads it: an open invoice with some of it paid is partly paid, with what is left.
    const partlyPaid =
      record.type === 'invoice' && record.invoice.status === 'open' && record.invoice.paidCents > 0 && record.invoice.balanceCents > 0;
    const now = deps.now();
    const linkViews = linkData.links.map((link) => {
      const live = !link.revoked_at && link.expires_at > now;
      return {
        id: link.id,
        url:
          live && manages
            ? `${deps.appUrl.replace(/\/+$/, '')}${deps.portalPath}/${encodeURIComponent(workspace.slug)}/p/${links.tokenOf(link)}`
            : null,
        status: link.revoked_at ? 'revoked' : live ? 'active' : 'expired',
        created: i18n.fmt.dateTime(link.created_at),
        expires: i18n.fmt.dateTime(link.expires_at),
        allowDecision: link.allow_decision,
        revokeAction: `${href}/links/${link.id}/revoke`,
      };
    });
    const heading = t(`offers:record.heading.${record.type}`, {
      number: record.type === 'invoice' ? record.invoice.number : record.offer.number,
    });
    renderAdminPage(
      req,
      res,
      'records/show',
      heading,
      {
        heading,
        manages,
        clientName: client.name,
        kind,
        title: record.type === 'invoice' ? '' : record.offer.title,
        status: partlyPaid ? 'partly-paid' : record.type === 'invoice' ? record.invoice.status : record.offer.status,
        total:
          record.type === 'invoice'
            ? i18n.fmt.money(record.invoice.totalCents, record.invoice.currency)
            : i18n.fmt.money(record.offer.totalCents, record.offer.currency),
        balance:
          partlyPaid && record.type === 'invoice'
            ? t('offers:record.balanceLeft', { amount: i18n.fmt.money(record.invoice.balanceCents, record.invoice.currency) })
            : null,
        // Staff reconcile with the provider: its id is shown here, and nowhere a client looks.
        payments:
          record.type === 'invoice'
            ? record.invoice.payments.map((payment, index) => ({
                when: i18n.fmt.dateTime(payment.paidAt),
                method: paymentMethodLabel(i18n, payment),
                // The host's own number where it gives one; else the receipt number the client sees.
                number: payment.number ?? receiptNumber(record.invoice.number, index + 1),
                reference: payment.reference,
                providerReference: payment.providerReference ?? null,
                // Paid in the portal: the person who did; recorded in the CRM: nobody the portal knows.
                payer: payerOf.get(payment.id) ?? null,
                amount: i18n.fmt.money(payment.amountCents, record.invoice.currency),
              }))
            : [],
        evidence: state?.decision
          ? {
              ...presentDecision(state.decision, state.changedSinceDecision, i18n),
              device: describeDevice(state.decision.user_agent, i18n),
              currentFingerprint: state.currentSha256,
              signatureSrc: `${href}/signature.png`,
              signedPdfHref: state.decision.outcome === 'accepted' ? `${href}/signed.pdf` : null,
            }
          : null,
        activity: activity.map((row) => ({
          when: i18n.fmt.dateTime(row.created_at),
          what: activityLabel(t, row.event, row.details),
          who: row.email ?? '—',
          ip: row.ip ?? '—',
          device: describeDevice(row.user_agent, i18n),
        })),
        links: linkViews,
        accesses: linkData.accesses.map((access) => ({
          when: i18n.fmt.dateTime(access.at),
          link: access.link_id,
          action: access.action,
          ip: access.ip ?? '—',
          device: describeDevice(access.user_agent, i18n),
        })),
        createAction: `${href}/links`,
        viewAsHref: `${href}/as-client`,
        crmLink: crmLink(kind, id, t),
        created: typeof req.query.created === 'string' ? req.query.created : null,
        assets: staffContext(res).assets,
        thread: {
          comments: comments.map((comment) => ({
            author: comment.authorName,
            byAgency: comment.authorContactId === null,
            when: i18n.fmt.dateTime(comment.createdAt),
            body: comment.body,
          })),
          action: manages && deps.comments.addFromStaff ? `${href}/comments` : null,
          draft: form.draft ?? '',
          error: form.error ?? null,
          maxLength: COMMENT_MAX_LENGTH,
        },
        // A fragment is swapped into a page that already follows the stream.
        live: isFragmentRequest(req) ? null : { stream: deps.streamUrl, refresh: href },
      },
      status,
    );
  }

  return {
    show: (req: Request, res: Response) => showPage(req, res),

    /** A staff comment: written through the comments port, announced to the client's open pages. */
    addComment: async (req: Request, res: Response) => {
      const { kind, clientId, id, href, workspace } = await load(req, res);
      const { staff } = staffContext(res);
      if (!deps.comments.addFromStaff) throw notFound('Comments are answered in your CRM for this workspace.');
      const input = req.body as StaffCommentInput;
      const comment = await deps.comments.addFromStaff(workspace.id, { subjectType: kind, subjectId: id, body: input.body, author: staff });
      await deps.comments.commentAdded?.({ workspaceId: workspace.id, clientId, subjectType: kind, subjectId: id, commentId: comment.id });
      res.redirect(303, `${href}#comments`);
    },

    invalidComment: (req: Request, res: Response, errors: FieldErrors) =>
      showPage(
        req,
        res,
        {
          draft: typeof req.body?.body === 'string' ? req.body.body : '',
          error: Object.values(errors)[0] ?? staffContext(res).i18n.t('offers:record.writeFirst'),
        },
        400,
      ),

    createLink: async (req: Request, res: Response) => {
      const { kind, clientId, id, href, workspace } = await load(req, res);
      const { staff } = staffContext(res);
      const input = req.body as CreateLinkInput;
      const { linkId } = await links.create({
        workspaceId: workspace.id,
        clientId,
        type: kind,
        id,
        staffId: staff.id,
        days: input.days,
        allowDecision: input.allowDecision,
      });
      res.redirect(303, `${href}?created=${linkId}#links`);
    },

    /** Revoking breaks a link the client may already have: asked first, on a GET page of its own. */
    confirmRevoke: async (req: Request, res: Response) => {
      const { kind, clientId, id, href, workspace, client } = await load(req, res);
      const linkId = parseParam(LinkIdParam, req.params.linkId);
      const rows = await links.linksOf(workspace.id, clientId, kind, id);
      const link = rows.find((row) => String(row.id) === String(linkId) && !row.revoked_at);
      if (!link) throw notFound('That link does not exist or is already revoked.');
      const { t } = staffContext(res).i18n;
      renderAdminPage(req, res, 'staff/confirm', t('offers:record.revoke.title'), {
        heading: t('offers:record.revoke.heading', { id: link.id }),
        consequences: [t('offers:record.revoke.noLongerWorks', { client: client.name }), t('offers:record.revoke.cannotUndo')],
        action: `${href}/links/${link.id}/revoke`,
        fields: {},
        confirmLabel: t('offers:record.revoke.confirm'),
        cancelHref: `${href}#links`,
      });
    },

    revokeLink: async (req: Request, res: Response) => {
      const { kind, clientId, id, href, workspace } = await load(req, res);
      const linkId = parseParam(LinkIdParam, req.params.linkId);
      if (!(await links.revoke({ workspaceId: workspace.id, clientId, type: kind, id, linkId, staffId: staffContext(res).staff.id })))
        throw notFound('That link does not exist or is already revoked.');
      res.redirect(303, `${href}#links`);
    },

    signature: async (req: Request, res: Response) => {
      const { workspace } = staffContext(res);
      const { kind, clientId, id } = params(req);
      if (kind === 'invoice') throw notFound();
      const png = await decisions.signatureOf(workspace.id, clientId, kind, id);
      if (!png || !isEmbeddableImage(png)) throw notFound();
      res.type('image/png').set('Cache-Control', 'private, no-store').set('X-Content-Type-Options', 'nosniff').send(png);
    },

    signedPdf: async (req: Request, res: Response) => {
      const { workspace, base } = staffContext(res);
      const { kind, clientId, id } = params(req);
      if (kind === 'invoice') throw notFound();
      const [decision, signaturePng, client, settings, parties] = await Promise.all([
        decisions.decisionOf(workspace.id, clientId, kind, id),
        decisions.signatureOf(workspace.id, clientId, kind, id),
        adapter.clients.findById(workspace.id, clientId),
        findSettings(db, workspace.id),
        decisions.letterheadOf(workspace.id, clientId),
      ]);
      if (decision?.outcome !== 'accepted' || !client) throw notFound();
      const i18n = requestI18n(req, { workspaceLocale: settings.defaultLocale, workspaceTimeZone: settings.defaultTimeZone });
      const branding = buildBranding(workspace, settings, null);
      const logo = settings.logoFileId ? await deps.storage.get(workspace.id, settings.logoFileId) : null;
      const brand = {
        name: branding.workspaceName,
        color: branding.primary,
        logo: logo && isEmbeddableImage(logo.content) ? logo.content : null,
      };
      const model = signedPdfModel(i18n, {
        decision,
        clientId,
        href: `${base}/records/${kind}/${clientId}/${id}`,
        brand,
        clientName: client.name,
        signaturePng,
        parties,
      });
      const pdf = await renderPdfFor({ workspaceId: workspace.id, clientId }, model);
      sendPdf(res, pdf, pdfFilename(i18n.t(`offers:kind.${kind}`), JSON.parse(decision.snapshot).number, 'signed'));
    },

    /**
     * The client's page as the client sees it, read-only: no forms, no client session, nothing
     * logged as the client. With `as`, as one person of the company sees it (their role and the
     * agency's overrides); a record their access hides says so, and why, instead.
     */
    viewAs: async (req: Request, res: Response) => {
      const { as } = res.locals.query as ViewAsQueryInput;
      const { kind, clientId, id, record, client, workspace, href } = await load(req, res);
      const { i18n: staffI18n } = staffContext(res);
      // The banner and the choice of whose view are the staff member's, in their language; the page
      // under them is the client's, in the portal's.
      const st = staffI18n.t;
      // Staff seeing a client's page as the client does is logged like their other actions on the
      // record (with who did it), so the client's activity shows every look at it, theirs or not.
      const [workspaceSettings, people, roles] = await Promise.all([
        findSettings(db, workspace.id),
        listClientUsers(db, workspace.id, { clientId }),
        listRoles(db, workspace.id),
        insertStaffActivity(
          db,
          staffActor(req, res),
          'record.viewed_as_client',
          { kind, subjectId: id, ...(as ? { asClientUserId: as } : {}) },
          { clientId },
        ),
      ]);
      const accessOfPerson = (person: (typeof people)[number]): ClientAccess => ({
        role: person.role,
        customRole: roles.find((role) => role.id === person.client_role_id) ?? null,
        clientDenied: [],
        personDenied: person.denied_permissions,
      });
      const viewer = as ? people.find((person) => person.id === as) : undefined;
      if (as && !viewer) throw notFound('We could not find that person at this client.');
      const section = kind === 'invoice' ? 'invoices' : kind === 'proposal' ? 'proposals' : 'quotations';
      const companyDenied = viewer ? await findClientDenied(db, workspace.id, clientId) : [];
      const viewerAccess = viewer ? { ...accessOfPerson(viewer), clientDenied: companyDenied } : null;
      const settings = viewerAccess ? effectiveSettings(workspaceSettings, viewerAccess) : workspaceSettings;
      const viewAs = {
        action: `${href}/as-client`,
        people: people.map((person) => ({
          id: person.id,
          label: `${person.email} (${staffRoleName(st, accessOfPerson(person))})`,
          selected: person.id === as,
        })),
        viewer: viewer ? viewer.email : null,
        words: { label: st('offers:viewAs.label'), company: st('offers:viewAs.company'), show: st('offers:viewAs.show') },
      };
      const pageTitle = st('offers:viewAs.pageTitle', { client: client.name });
      if (viewerAccess && !canSeeSection(settings, section)) {
        const verdict = resolveAccess(workspaceSettings, viewerAccess).find(
          (v) => v.permission === (kind === 'invoice' ? 'invoices' : 'proposals'),
        )!;
        return renderAdminPage(req, res, 'records/hidden-from', pageTitle, {
          viewAs,
          back: href,
          sentence: st(`offers:viewAs.notSeen.${kind}`, { email: viewer!.email }),
          reason: st('offers:viewAs.hiddenBecause', { reason: staffHiddenReason(st, verdict, viewerAccess) }),
        });
      }
      const i18n = requestI18n(req, { workspaceLocale: settings.defaultLocale, workspaceTimeZone: settings.defaultTimeZone });
      const portalBase = `${deps.portalPath}/${encodeURIComponent(workspace.slug)}`;
      const uploadedLogo = settings.logoFileId ? `${portalBase}/branding/logo?v=${settings.logoFileId.slice(0, 8)}` : null;
      const branding = buildBranding(workspace, settings, uploadedLogo);
      const today = i18n.fmt.isoDay(deps.now());
      const clientHref = `${portalBase}/${section}/${encodeURIComponent(record.type === 'invoice' ? record.invoice.id : record.offer.id)}`;
      let model: Record<string, unknown>;
      if (record.type === 'invoice') {
        // The invoices feature names its own page and draws its model; records/view-as includes it.
        model = invoiceClientPage(i18n, record.invoice, { href: clientHref, today, branding, clientName: client.name });
      } else {
        const state = await decisions.stateOf(workspace.id, clientId, record.offer, expiryTimeZone(settings));
        const actions = presentOfferActions(state, i18n, clientHref, null);
        const offer = presentOfferDetail(i18n, record.offer, clientHref, today);
        model = {
          view: 'offers/show',
          section,
          offer,
          thread: null,
          actions: { ...actions, acceptHref: null, declineHref: null, signedPdfHref: null },
          preview: documentPreview(offerPdfModel(i18n, offer, previewBrand(branding), client.name), clientHref, branding.logoUrl),
        };
      }
      const chrome = {
        t: i18n.t,
        fmt: i18n.fmt,
        locale: i18n.locale,
        branding,
        base: portalBase,
        assets: `${deps.portalPath}/assets`,
        csrfToken: '',
        csrfHeaders: '{}',
        nav: [],
        clientName: null,
      };
      res.set('X-Robots-Tag', 'noindex');
      sendPage(
        req,
        res,
        'records/view-as',
        {
          ...model,
          base: portalBase,
          csrfToken: '',
          t: i18n.t,
          fmt: i18n.fmt,
          locale: i18n.locale,
          staffBanner: {
            heading: st('offers:viewAs.heading', {
              whose: viewer ? st('offers:viewAs.personAt', { email: viewer.email, client: client.name }) : client.name,
            }),
            note: st('offers:viewAs.note'),
            back: { href, label: st('offers:viewAs.back') },
            lang: staffI18n.locale,
          },
          viewAs,
        },
        {
          layout: 'layout',
          title: pageTitle,
          chrome,
        },
      );
    },
  };
}

export type RecordHandlers = ReturnType<typeof createRecordHandlers>;
