// The last stop for every portal error. Known errors (HttpError, body-parser's 4xx) become a page
// with a message a person understands, in the workspace's branding when it is known; anything
// else is logged and answered with a generic 500. No stack trace ever reaches the browser.
import type { NextFunction, Request, Response } from 'express';
import { isDatabaseUnavailable } from '../db/unavailable.ts';
import { isWriteConflict } from '../db/write-conflict.ts';
import { HttpError } from '../http/http-error.ts';

const HEADINGS: Record<number, string> = {
  400: 'Please check what you entered',
  401: 'Please sign in',
  403: 'Not allowed',
  404: 'Page not found',
  409: 'That cannot be done now',
  410: 'This link no longer works',
  413: 'That was too large',
  429: 'Too many attempts',
  500: 'Something went wrong',
  503: 'Temporarily unavailable',
};

const UNAVAILABLE_MESSAGE = 'The portal is temporarily unavailable. Please try again in a moment.';
const UNAVAILABLE_RETRY_SECONDS = 5;
const WRITE_CONFLICT_MESSAGE = 'Someone else was changing this at the same moment. Please reload the page and try again.';

interface BodyParserError {
  status?: number;
  statusCode?: number;
  type?: string;
}

function describeError(err: unknown): { status: number; message: string; headers: Record<string, string> } {
  if (err instanceof HttpError) return { status: err.status, message: err.message, headers: err.headers };
  const parserError = err as BodyParserError;
  const status = parserError?.status ?? parserError?.statusCode;
  // Errors from Express and body-parser carry a 4xx status; their own messages are for
  // developers, so a person gets ours.
  if (typeof status === 'number' && status >= 400 && status < 500) {
    if (parserError.type === 'entity.too.large')
      return { status: 413, message: 'That form was too large. Shorten the text and try again.', headers: {} };
    if (parserError.type === 'parameters.too.many') return { status: 413, message: 'That form had too many fields.', headers: {} };
    if (status === 404) return { status, message: 'We could not find that page.', headers: {} };
    return { status: 400, message: 'We could not read that request. Please go back and try again.', headers: {} };
  }
  // Another request held the record this one writes (a double click, a burst of the same form, an
  // agency change at that moment) past the lock timeout, or the two deadlocked: the person looks
  // again, rather than seeing a 500 for what is nobody's mistake.
  if (isWriteConflict(err)) return { status: 409, message: WRITE_CONFLICT_MESSAGE, headers: {} };
  // The database restarting or out of reach: nothing is wrong with the request, so the client is
  // asked to come back (a load balancer or browser retry honours Retry-After) instead of seeing a 500.
  if (isDatabaseUnavailable(err))
    return { status: 503, message: UNAVAILABLE_MESSAGE, headers: { 'Retry-After': String(UNAVAILABLE_RETRY_SECONDS) } };
  return { status: 500, message: 'Something went wrong on our side. Please try again in a moment.', headers: {} };
}

export type ErrorPageRenderer = (req: Request, res: Response, page: { status: number; heading: string; message: string }) => void;

export function errorHandler(renderPage: ErrorPageRenderer, logError: (err: unknown, req: Request) => void) {
  return (err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    const { status, message, headers } = describeError(err);
    if (status >= 500) logError(err, req);
    res.set(headers);
    try {
      renderPage(req, res, { status, heading: HEADINGS[status] ?? HEADINGS[500]!, message });
    } catch (renderError) {
      logError(renderError, req);
      res.status(status).type('text').send(message);
    }
  };
}
