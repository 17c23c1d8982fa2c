// Validation at the edge: one zod schema per action. A bad input never reaches a handler; it gets
// a 400 with messages a person can act on, either re-rendering the form (when the route says how)
// or as the error page.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import { CSRF_MESSAGE } from './csrf.ts';
import { csrfRetryExplanation, RERENDERS_FORM } from './csrf-retry.ts';
import { HttpError } from '../http/http-error.ts';
import type { RequestI18n } from '../i18n/request-i18n.ts';
import { translateFieldErrors, translateMessage, zodErrorMap } from '../i18n/validation.ts';
import { controlCharacterFields } from './control-characters.ts';

export type FieldErrors = Record<string, string>;

export type InvalidRenderer = (req: Request, res: Response, errors: FieldErrors) => void | Promise<void>;

function fieldErrors(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = issue.path.map(String).join('.') || 'form';
    errors[field] ??= issue.message;
  }
  return errors;
}

const CONTROL_CHARACTERS_MESSAGE = 'This field holds invisible control characters that cannot be saved. Remove them and try again.';

/** The refusal of those fields, one message each, in the reader's language where it is known. */
function controlCharacterErrors(fields: string[], res: Response): FieldErrors {
  const i18n = portalLanguage(res);
  const message = i18n ? translateMessage(CONTROL_CHARACTERS_MESSAGE, i18n.t) : CONTROL_CHARACTERS_MESSAGE;
  return Object.fromEntries(fields.map((field) => [field, message]));
}

// A form shown again for a control character also says so above the form (sendPage reads it): the
// character may sit in a field the form does not show an error beside (a hidden or unknown one).
const controlCharacterAlerts = new WeakMap<Request, string>();

/** The alert for a form re-rendered because of a control character, if this request is one. */
export function controlCharacterAlert(req: Request): string | undefined {
  return controlCharacterAlerts.get(req);
}

/** The client portal's language for this request, when the request is the portal's (admin pages are English). */
function portalLanguage(res: Response): RequestI18n | undefined {
  return (res.locals.customerPortal as { i18n?: RequestI18n } | undefined)?.i18n;
}

/** Parses with zod's messages in the reader's language, and our own messages translated too. */
function parseIn<T extends z.ZodType>(schema: T, value: unknown, res: Response) {
  const i18n = portalLanguage(res);
  const errorMap = i18n ? zodErrorMap(i18n.locale) : undefined;
  const result = errorMap ? schema.safeParse(value, { error: errorMap }) : schema.safeParse(value);
  const errors = (error: z.ZodError) => (i18n ? translateFieldErrors(fieldErrors(error), i18n.t) : fieldErrors(error));
  return { result, errors };
}

/** Set on every validateBody: the fields its schema names, so the route table can list them. */
export const BODY_FIELDS = Symbol('bodyFields');

/** The top-level keys of an object schema, through the wrappers (refine, pipe, default...) around it. */
function schemaFields(schema: z.ZodType): string[] {
  let current: unknown = schema;
  for (let depth = 0; current && depth < 10; depth += 1) {
    const node = current as { shape?: Record<string, unknown>; def?: { in?: unknown; schema?: unknown; innerType?: unknown } };
    if (node.shape && typeof node.shape === 'object') return Object.keys(node.shape);
    current = node.def?.in ?? node.def?.schema ?? node.def?.innerType;
  }
  return [];
}

/** Parses req.body with the schema and replaces it with the parsed value. */
export function validateBody(schema: z.ZodType, onInvalid?: InvalidRenderer): RequestHandler {
  const handler = async (req: Request, res: Response, next: NextFunction) => {
    // Checked before the schema, for every field whether the schema knows it or not: this is the
    // one place every form passes, so no text with a control character reaches a handler.
    const controlled = controlCharacterFields(req.body ?? {});
    const refused = controlled.length > 0 ? controlCharacterErrors(controlled, res) : undefined;
    if (refused) controlCharacterAlerts.set(req, Object.values(refused)[0]!);
    const { result, errors: translated } = parseIn(schema, req.body ?? {}, res);
    // A stale CSRF token (see csrf-retry.ts): the form again, never the handler, valid input or not.
    if (csrfRetryExplanation(req) !== undefined) {
      if (!onInvalid) return next(new HttpError(403, CSRF_MESSAGE));
      res.status(400);
      await onInvalid(req, res, { ...(result.success ? {} : translated(result.error)), ...refused });
      return;
    }
    if (result.success && !refused) {
      req.body = result.data;
      next();
      return;
    }
    // Every field's own message too, so one submit names everything to correct.
    const errors = { ...(result.success ? {} : translated(result.error)), ...refused };
    if (onInvalid) {
      res.status(400);
      await onInvalid(req, res, errors);
      return;
    }
    next(new HttpError(400, [...new Set(Object.values(errors))].join(' ')));
  };
  if (onInvalid) Object.assign(handler, { [RERENDERS_FORM]: true });
  Object.assign(handler, { [BODY_FIELDS]: schemaFields(schema) });
  return handler;
}

/** Parses req.query into res.locals.query (Express 5 makes req.query read-only). */
export function validateQuery(schema: z.ZodType): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const controlled = controlCharacterFields(req.query ?? {});
    if (controlled.length > 0) return next(new HttpError(400, Object.values(controlCharacterErrors(controlled.slice(0, 1), res))[0]!));
    const { result, errors } = parseIn(schema, req.query ?? {}, res);
    if (!result.success) {
      next(new HttpError(400, Object.values(errors(result.error)).join(' ')));
      return;
    }
    res.locals.query = result.data;
    next();
  };
}

/** Parses a route parameter; a malformed id is simply not found. */
export function parseParam<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new HttpError(404, 'We could not find that page.');
  return result.data;
}
