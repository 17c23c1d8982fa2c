// Validation at the edge: one zod schema per action. A bad input never reaches a handler; it gets
// a 400 with messages a person can act on, either re-rendering the form (when the route says how)
// or as the error page.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import { CSRF_MESSAGE } from './csrf.ts';
import { csrfRetryExplanation, RERENDERS_FORM } from './csrf-retry.ts';
import { HttpError } from './http-error.ts';
import type { RequestI18n } from '../i18n/request-i18n.ts';
import { translateFieldErrors, zodErrorMap } from '../i18n/validation.ts';

export type FieldErrors = Record<string, string>;

export type InvalidRenderer = (req: Request, res: Response, errors: FieldErrors) => void | Promise<void>;

export function fieldErrors(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = issue.path.map(String).join('.') || 'form';
    errors[field] ??= issue.message;
  }
  return errors;
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

/** Parses req.body with the schema and replaces it with the parsed value. */
export function validateBody(schema: z.ZodType, onInvalid?: InvalidRenderer): RequestHandler {
  const handler = async (req: Request, res: Response, next: NextFunction) => {
    const { result, errors: translated } = parseIn(schema, req.body ?? {}, res);
    // A stale CSRF token (see csrf-retry.ts): the form again, never the handler, valid input or not.
    if (csrfRetryExplanation(req) !== undefined) {
      if (!onInvalid) return next(new HttpError(403, CSRF_MESSAGE));
      res.status(400);
      await onInvalid(req, res, result.success ? {} : translated(result.error));
      return;
    }
    if (result.success) {
      req.body = result.data;
      next();
      return;
    }
    const errors = translated(result.error);
    if (onInvalid) {
      res.status(400);
      await onInvalid(req, res, errors);
      return;
    }
    next(new HttpError(400, Object.values(errors).join(' ')));
  };
  if (onInvalid) Object.assign(handler, { [RERENDERS_FORM]: true });
  return handler;
}

/** Parses req.query into res.locals.query (Express 5 makes req.query read-only). */
export function validateQuery(schema: z.ZodType): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
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
