// The approvals pages: the list of work shared for the client's approval (with a search by title),
// one piece of work (its latest version shown inline where the browser can, the form to approve it
// or ask for changes, the history of versions and decisions), each version's file, and the
// decision's POST. A decision binds exactly the file decided: its SHA-256 is read from the bytes
// the host serves, and it is refused (409) when the version is no longer the latest or already has
// a decision. The decision, the host's note of it and the activity entry (the agency's
// notification is built from it) are one transaction.
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import {
  allowSameOriginFrames,
  clientActor,
  type FieldErrors,
  insertClientActivity,
  notFound,
  parseParam,
  portalContext,
  portalI18n,
  renderPortalPage,
  requestMeta,
  sendDownload,
  sendInline,
  signedInClient,
} from '../../core/index.ts';
import type { ApprovalsPort } from './port.ts';
import { ApprovalId, type ApprovalsQueryInput, type DecisionInput, type FileQueryInput, VersionNumber } from './commands.ts';
import { approvalUrl, presentApproval, presentApprovalRow, stateOf } from './presenters.ts';
import { approvalDecisions, insertApprovalDecision, latestDecisions } from './queries.ts';

const APPROVALS_PAGE_SIZE = 25;

export interface ApprovalsDeps {
  db: Knex;
  approvals: ApprovalsPort;
  /** The time now; tests may fix it. */
  now?: () => Date;
}

/** What the decision form shows besides the work: what was sent, what was wrong, why it was refused. */
interface FormState {
  input?: Record<string, string>;
  errors?: FieldErrors;
  refusal?: 'notLatest' | 'decided';
}

/** SHA-256 (hex) of a stream's bytes, read to its end. */
async function sha256Of(content: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of content) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

const KEPT_FIELDS = ['comment', 'pointX', 'pointY', 'pointPage'] as const;

function keptInput(body: unknown): Record<string, string> {
  const source = (body ?? {}) as Record<string, unknown>;
  return Object.fromEntries(
    KEPT_FIELDS.filter((key) => typeof source[key] === 'string').map((key) => [key, (source[key] as string).slice(0, 4000)]),
  );
}

export function createApprovalsHandlers(deps: ApprovalsDeps) {
  const { db, approvals } = deps;
  const now = deps.now ?? (() => new Date());

  async function list(req: Request, res: Response) {
    const query = res.locals.query as ApprovalsQueryInput;
    const { workspace, base } = portalContext(res);
    const { user } = signedInClient(res);
    const i18n = portalI18n(res);
    const page = await approvals.list(workspace.id, user.client_id, query.q ?? '', {
      limit: APPROVALS_PAGE_SIZE,
      after: query.after ?? null,
    });
    const decided = await latestDecisions(db, {
      workspaceId: workspace.id,
      clientId: user.client_id,
      approvalIds: page.items.map((a) => a.id),
    });
    const href = (params: Record<string, string | undefined>) => {
      const search = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => Boolean(e[1])));
      return `${base}/approvals${search.size ? `?${search}` : ''}`;
    };
    renderPortalPage(req, res, 'approvals/index', i18n.t('approvals:title'), {
      q: query.q ?? '',
      approvals: page.items.map((a) => presentApprovalRow(i18n, base, a, stateOf(a.latest.number, decided.get(a.id)))),
      search: { query: query.q ?? '', count: page.items.length, more: page.next !== null, clearHref: href({}) },
      nextUrl: page.next ? href({ q: query.q, after: page.next }) : null,
      firstPageUrl: query.after ? href({ q: query.q }) : null,
    });
  }

  async function load(req: Request, res: Response) {
    const { workspace } = portalContext(res);
    const { user } = signedInClient(res);
    const id = parseParam(ApprovalId, req.params.approvalId);
    const detail = await approvals.find(workspace.id, user.client_id, id);
    if (!detail || detail.versions.length === 0) throw notFound();
    return detail;
  }

  async function show(req: Request, res: Response, form: FormState = {}, status = 200) {
    const { workspace, base } = portalContext(res);
    const { user } = signedInClient(res);
    const i18n = portalI18n(res);
    const detail = await load(req, res);
    const rows = await approvalDecisions(db, { workspaceId: workspace.id, clientId: user.client_id, approvalId: detail.id });
    const approval = presentApproval(i18n, base, detail, rows);
    // The latest version's PDF is shown in a frame of this page, from the portal's own file route.
    if (approval.latest.shownAs === 'pdf') allowSameOriginFrames(res);
    const errors = Object.fromEntries(Object.entries(form.errors ?? {}).map(([field, key]) => [field, i18n.t(key)]));
    const decided = typeof req.query.decided === 'string' && ['approved', 'changes_requested'].includes(req.query.decided);
    renderPortalPage(
      req,
      res,
      'approvals/show',
      i18n.t('approvals:show.title', { title: detail.title, version: approval.latest.number }),
      {
        approval,
        errors,
        input: form.input ?? {},
        refusal: form.refusal ? i18n.t(`approvals:refusals.${form.refusal}`) : null,
        decidedNotice: decided && status === 200 ? i18n.t(`approvals:decided.${String(req.query.decided)}`) : null,
        // Where approval-point.js is served: the script that places the point with a click.
        assets: portalContext(res).assets,
      },
      status,
    );
  }

  return {
    list,
    show: (req: Request, res: Response) => show(req, res),

    invalidDecision: (req: Request, res: Response, errors: FieldErrors) => show(req, res, { input: keptInput(req.body), errors }, 400),

    /** One version's file: a PDF or an image to be shown in the page (or, with ?download=1, saved); anything else saved. */
    file: async (req: Request, res: Response) => {
      const query = res.locals.query as FileQueryInput;
      const { workspace } = portalContext(res);
      const { user } = signedInClient(res);
      const id = parseParam(ApprovalId, req.params.approvalId);
      const version = parseParam(VersionNumber, req.params.version);
      const file = await approvals.open(workspace.id, user.client_id, id, version);
      if (!file) throw notFound();
      await (query.download ? sendDownload(res, file) : sendInline(res, file));
    },

    decide: async (req: Request, res: Response) => {
      const { workspace, base } = portalContext(res);
      const { user, contact } = signedInClient(res);
      const input = req.body as DecisionInput;
      const detail = await load(req, res);
      const latest = detail.versions[0]!;
      const refuse = (refusal: FormState['refusal']) => show(req, res, { input: keptInput(req.body), refusal }, 409);
      if (input.version !== latest.number) return refuse('notLatest');
      // The fingerprint of exactly the bytes decided, read through the host's storage.
      const file = await approvals.open(workspace.id, user.client_id, detail.id, latest.number);
      if (!file) throw notFound();
      const fileSha256 = await sha256Of(file.content);
      const point =
        input.pointX === undefined || input.pointY === undefined
          ? null
          : {
              x: input.pointX / 100,
              y: input.pointY / 100,
              page: latest.contentType === 'application/pdf' ? (input.pointPage ?? 1) : null,
            };
      const decidedAt = now();
      const meta = requestMeta(req);
      const outcome = await db.transaction(async (trx) => {
        // Read again inside the transaction: a version the agency shared meanwhile wins.
        const current = await approvals.find(workspace.id, user.client_id, detail.id, { trx });
        if (!current || current.versions[0]?.number !== latest.number) return 'notLatest' as const;
        const inserted = await insertApprovalDecision(trx, {
          workspaceId: workspace.id,
          clientId: user.client_id,
          approvalId: detail.id,
          version: latest.number,
          title: detail.title,
          outcome: input.outcome,
          comment: input.comment,
          point,
          clientUserId: user.id,
          contactId: contact.id,
          decidedBy: contact.name,
          fileName: latest.fileName,
          fileSha256,
          ip: meta.ip,
          userAgent: meta.userAgent,
          decidedAt,
        });
        if (!inserted) return 'decided' as const;
        await approvals.recordDecision?.(
          workspace.id,
          user.client_id,
          {
            approvalId: detail.id,
            title: detail.title,
            version: latest.number,
            outcome: input.outcome,
            comment: input.comment,
            point,
            contactId: contact.id,
            decidedBy: contact.name,
            fileSha256,
            decidedAt,
            userAgent: meta.userAgent,
          },
          { trx, ip: meta.ip },
        );
        await insertClientActivity(
          trx,
          clientActor(req, res),
          input.outcome === 'approved' ? 'approval.approved' : 'approval.changes_requested',
          {
            approvalId: detail.id,
            title: detail.title,
            version: latest.number,
            fileSha256,
          },
        );
        return 'ok' as const;
      });
      if (outcome !== 'ok') return refuse(outcome);
      res.redirect(303, `${approvalUrl(base, detail.id)}?decided=${input.outcome}`);
    },
  };
}

export type ApprovalsHandlers = ReturnType<typeof createApprovalsHandlers>;
