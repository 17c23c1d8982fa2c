// The comment thread under a proposal, quotation, invoice or request: its view model, and the
// handler that adds a client's comment (post/redirect/get back to #comments, or the thread
// fragment for htmx).
// The record itself is loaded by the feature, scoped to the signed-in client, before anything here
// runs, so a comment can only land on a record the client may see.
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import {
  canUseThread,
  clientActor,
  type FieldErrors,
  insertClientActivity,
  isFragmentRequest,
  LIVE_PATH,
  portalContext,
  type RequestI18n,
  signedInClient,
} from '../../../core/index.ts';
import type { CommentsPort, CommentSubjectType } from '../port.ts';
import { COMMENT_MAX_LENGTH, type AddCommentInput } from './commands.ts';
import type { LiveCommentsPort } from './live-comments.ts';

interface CommentView {
  id: string;
  author: string;
  byAgency: boolean;
  when: string;
  body: string;
}

export interface ThreadView {
  comments: CommentView[];
  /** The form's action; null when the workspace has comments switched off (no form at all). */
  action: string | null;
  /** What the client typed, kept on a validation error. */
  draft: string;
  error: string | null;
  maxLength: number;
  /** The stream the page follows and the URL it refreshes the list from; null in fragments. */
  live: { stream: string; refresh: string } | null;
}

export interface CommentSubject {
  type: CommentSubjectType;
  id: string;
  /** The record's page, e.g. /portal/demo/proposals/12 */
  href: string;
  /** The record's number and title, kept in the activity log so staff read which record it was. */
  number?: string;
  title?: string;
}

/** The first words of a comment, for the activity log and the notifications of both sides. */
export function commentExcerpt(body: string, max = 80): string {
  const text = body.replace(/\s+/g, ' ').trim();
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

export async function loadThread(
  comments: CommentsPort,
  i18n: RequestI18n,
  res: Response,
  subject: CommentSubject,
  form: { draft?: string; errors?: FieldErrors; live?: boolean } = {},
): Promise<ThreadView | null> {
  const { workspace, settings, base } = portalContext(res);
  if (!canUseThread(settings, subject.type)) return null;
  const list = await comments.list(workspace.id, { type: subject.type, id: subject.id });
  const error = form.errors ? (Object.values(form.errors)[0] ?? null) : null;
  return {
    comments: list.map((comment) => ({
      id: comment.id,
      author: comment.authorName,
      byAgency: comment.authorContactId === null,
      when: i18n.fmt.dateTime(comment.createdAt),
      body: comment.body,
    })),
    action: `${subject.href}/comments`,
    draft: form.draft ?? '',
    // Field errors arrive in the reader's words (validateBody translates a schema's keys); a key is read here too.
    error: error ? (error.startsWith('comments:') ? i18n.t(error as 'comments:errors.empty') : error) : null,
    maxLength: COMMENT_MAX_LENGTH,
    live: form.live === false ? null : { stream: `${base}${LIVE_PATH}`, refresh: subject.href },
  };
}

/**
 * Adds the comment through the CommentsPort (the host's table or the portal's own), logs it, and
 * answers 303 to the record's page at #comments, or the fresh thread for htmx.
 */
export async function addComment(
  deps: { db: Knex; comments: Omit<LiveCommentsPort, 'covers'> },
  req: Request,
  res: Response,
  subject: CommentSubject,
  renderFragment: (thread: ThreadView, status: number) => void,
): Promise<void> {
  const { workspace } = portalContext(res);
  const { user } = signedInClient(res);
  const input = req.body as AddCommentInput;
  const comment = await deps.comments.add(workspace.id, {
    subjectType: subject.type,
    subjectId: subject.id,
    body: input.body,
    authorContactId: user.contact_id,
  });
  await insertClientActivity(deps.db, clientActor(req, res), 'comment.added', {
    subjectType: subject.type,
    subjectId: subject.id,
    commentId: comment.id,
    length: input.body.length,
    ...(subject.number ? { number: subject.number } : {}),
    ...(subject.title ? { title: subject.title } : {}),
    excerpt: commentExcerpt(input.body),
  });
  await deps.comments.commentAdded?.({
    workspaceId: workspace.id,
    clientId: user.client_id,
    subjectType: subject.type,
    subjectId: subject.id,
    commentId: comment.id,
  });
  if (isFragmentRequest(req)) {
    const thread = await loadThread(deps.comments, portalContext(res).i18n, res, subject);
    if (thread) return renderFragment(thread, 200);
  }
  res.redirect(303, `${subject.href}#comments`);
}
