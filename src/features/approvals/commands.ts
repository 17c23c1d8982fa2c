// What the approvals routes accept. Messages are keys of approvals.json, shown in the reader's language.
import { z } from 'zod';
import { HostIdParam } from '../../core/index.ts';

const COMMENT_MAX = 4000;

/** A host id in a URL: whatever the host uses, within reason; the adapter decides if it is this client's. */
export const ApprovalId = HostIdParam;

/** A version number in a URL. */
export const VersionNumber = z
  .string()
  .regex(/^[1-9]\d{0,5}$/)
  .transform(Number);

export const ApprovalsQuery = z.object({
  q: z
    .string()
    .trim()
    .max(100, 'approvals:errors.search')
    .optional()
    .transform((text) => (text ? text : undefined)),
  after: z
    .string()
    .max(400, 'approvals:errors.page')
    .regex(/^[A-Za-z0-9_-]*$/, 'approvals:errors.page')
    .optional(),
});
export type ApprovalsQueryInput = z.infer<typeof ApprovalsQuery>;

/** `?download=1` sends the file as an attachment instead of to be shown in the page. */
export const FileQuery = z.object({
  download: z.enum(['1'], { error: 'approvals:errors.download' }).optional(),
});
export type FileQueryInput = z.infer<typeof FileQuery>;

/** A percentage typed into a number field, or nothing. */
const percent = (message: string) =>
  z
    .string({ error: message })
    .trim()
    .max(12, message)
    .optional()
    .transform((text, ctx) => {
      if (!text) return undefined;
      const value = Number(text.replace(',', '.'));
      if (!Number.isFinite(value) || value < 0 || value > 100) {
        ctx.addIssue({ code: 'custom', message });
        return z.NEVER;
      }
      return value;
    });

/**
 * A decision: the version on screen (refused when it is no longer the latest), approve or ask for
 * changes (then a comment is needed), and optionally the point the comment is about, as
 * percentages of the shown width and height, with the page for a PDF.
 */
export const DecisionCommand = z
  .object({
    version: z
      .string({ error: 'approvals:errors.version' })
      .regex(/^[1-9]\d{0,5}$/, 'approvals:errors.version')
      .transform(Number),
    outcome: z.enum(['approved', 'changes_requested'], { error: 'approvals:errors.outcome' }),
    comment: z
      .string()
      .trim()
      .max(COMMENT_MAX, 'approvals:errors.commentLong')
      .optional()
      .transform((text) => text ?? ''),
    pointX: percent('approvals:errors.point'),
    pointY: percent('approvals:errors.point'),
    pointPage: z
      .string()
      .trim()
      .optional()
      .transform((text, ctx) => {
        if (!text) return undefined;
        if (!/^[1-9]\d{0,4}$/.test(text)) {
          ctx.addIssue({ code: 'custom', message: 'approvals:errors.page' });
          return z.NEVER;
        }
        return Number(text);
      }),
  })
  .superRefine((input, ctx) => {
    if (input.outcome === 'changes_requested' && input.comment === '')
      ctx.addIssue({ code: 'custom', path: ['comment'], message: 'approvals:errors.commentNeeded' });
    if ((input.pointX === undefined) !== (input.pointY === undefined))
      ctx.addIssue({ code: 'custom', path: [input.pointX === undefined ? 'pointX' : 'pointY'], message: 'approvals:errors.pointBoth' });
    if (input.pointPage !== undefined && input.pointX === undefined)
      ctx.addIssue({ code: 'custom', path: ['pointX'], message: 'approvals:errors.pointForPage' });
  });
export type DecisionInput = z.infer<typeof DecisionCommand>;
