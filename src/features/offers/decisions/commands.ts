// What a decision form may send, one schema per action. Messages are i18n keys of the `decisions`
// namespace; the handler translates them for the reader. A drawn signature is decoded and checked
// here, at the edge, so a handler only ever sees checked strokes, or PNG bytes (or none); the
// evidence PNG is drawn from the strokes where the decision is recorded (signatureEvidence). The
// form sends strokes (signatureStrokes); the PNG field (signature) stays for pages opened before
// the strokes existed.
import { z } from 'zod';
import { emailField, HostIdParam } from '../../../core/index.ts';
import { decodeSignaturePng, MAX_SIGNATURE_DATA_URL_LENGTH } from './signature-png.ts';
import { canonicalStrokes, MAX_STROKES_FIELD_LENGTH, parseStrokes, type DrawnSignature } from './signature-strokes.ts';

const optionalText = (max: number, tooLong: string) =>
  z
    .string()
    .trim()
    .max(max, tooLong)
    .optional()
    .transform((value) => (value ? value : null));

const typedName = z
  .string({ error: 'decisions:errors.typedName' })
  .trim()
  .min(2, 'decisions:errors.typedName')
  .max(200, 'decisions:errors.typedNameTooLong');

const consent = z.literal('yes', { error: 'decisions:errors.consent' });

/** The fingerprint of the version on screen, sent back so the decision binds to it. */
const fingerprint = z.string({ error: 'decisions:errors.fingerprint' }).regex(/^[0-9a-f]{64}$/, 'decisions:errors.fingerprint');

const signature = z
  .string()
  .max(MAX_SIGNATURE_DATA_URL_LENGTH, 'decisions:errors.signatureTooLarge')
  .optional()
  .transform((value, ctx) => {
    if (!value) return null;
    const checked = decodeSignaturePng(value);
    if ('problem' in checked) {
      ctx.addIssue({
        code: 'custom',
        message: checked.problem === 'too_large' ? 'decisions:errors.signatureTooLarge' : 'decisions:errors.signatureInvalid',
      });
      return z.NEVER;
    }
    return checked.png;
  });

/** The drawn signature as checked strokes, and the canonical JSON they are stored as. */
const signatureStrokes = z
  .string()
  .max(MAX_STROKES_FIELD_LENGTH, 'decisions:errors.signatureTooLarge')
  .optional()
  .transform((value, ctx) => {
    if (!value) return null;
    const checked = parseStrokes(value);
    if ('problem' in checked) {
      ctx.addIssue({
        code: 'custom',
        message: checked.problem === 'too_large' ? 'decisions:errors.signatureTooLarge' : 'decisions:errors.signatureInvalid',
      });
      return z.NEVER;
    }
    return { json: canonicalStrokes(checked), strokes: checked } satisfies DrawnSignature;
  });

const note = optionalText(2000, 'decisions:errors.noteTooLong');
const poNumber = z
  .string()
  .trim()
  .max(80, 'decisions:errors.poNumberTooLong')
  .regex(/^[\p{L}\p{N} ./#_-]*$/u, 'decisions:errors.poNumberChars')
  .optional()
  .transform((value) => (value ? value : null));

export const AcceptProposalCommand = z.object({ typedName, consent, signature, signatureStrokes, fingerprint });
export const DeclineProposalCommand = z.object({ note, fingerprint });
/**
 * The optional items ticked on a quotation's accept form: none, one (a string) or several (an
 * array). Only ids the offer lists as optional count; the service drops any other.
 */
const optionalItems = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]))
  .pipe(z.array(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'decisions:errors.optionalItems')).max(200, 'decisions:errors.optionalItems'));

export const AcceptQuotationCommand = z.object({ typedName, consent, note, poNumber, optionalItems, fingerprint });
export const DeclineQuotationCommand = z.object({ note, fingerprint });

/** On a public link nobody is signed in: the typed name and an email are the evidence of who. */
const publicEmail = z
  .string({ error: 'decisions:errors.email' })
  .pipe(emailField)
  .catch(() => '' as never)
  .pipe(z.string().min(1, 'decisions:errors.email'));
export const PublicAcceptCommand = z.object({
  typedName,
  email: publicEmail,
  consent,
  signature,
  signatureStrokes,
  note,
  poNumber,
  optionalItems,
  fingerprint,
});
export const PublicDeclineCommand = z.object({ typedName, email: publicEmail, note, fingerprint });

export interface DecisionInput {
  typedName?: string;
  email?: string;
  signature: Buffer | null;
  /** Set when the signature was drawn as strokes: their canonical JSON and the checked strokes. */
  signatureStrokes?: DrawnSignature | null;
  note: string | null;
  poNumber: string | null;
  /** The optional items ticked on a quotation's accept form (absent on the other forms). */
  optionalItems?: string[];
  fingerprint: string;
}

/**
 * The values a re-rendered form shows again. A drawn signature comes back only as strokes that
 * pass their checks, so it need not be drawn again; a PNG never does.
 */
export function keptInput(body: unknown): Record<string, string> {
  const source = (body ?? {}) as Record<string, unknown>;
  const kept: Record<string, string> = {};
  for (const key of ['typedName', 'email', 'note', 'poNumber', 'consent']) {
    const value = source[key];
    if (typeof value === 'string') kept[key] = value.slice(0, 2000);
  }
  const ticked = source.optionalItems;
  const items = typeof ticked === 'string' ? [ticked] : Array.isArray(ticked) ? ticked.filter((id) => typeof id === 'string') : [];
  // Kept as one line per id, so a re-rendered form ticks the same boxes.
  if (ticked !== undefined) kept.optionalItems = items.slice(0, 200).join('\n');
  const strokes = source.signatureStrokes;
  if (typeof strokes === 'string' && strokes && !('problem' in parseStrokes(strokes))) kept.signatureStrokes = strokes;
  return kept;
}

export const OfferIdParam = HostIdParam;
