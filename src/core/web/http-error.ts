// Errors that carry an HTTP status and a message a person can read. Anything else that reaches
// the error handler is a bug: logged, and answered with a generic 500 page.
import type { Translate } from '../i18n/translations.ts';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const notFound = (message = 'We could not find that page.') => new HttpError(404, message);
export const forbidden = (message = 'You do not have access to this page.') => new HttpError(403, message);
export const badRequest = (message: string) => new HttpError(400, message);

/**
 * A limit reached. With the reader's translator (every client-facing route has one), the message is
 * in their language; without it (the staff side), English.
 */
export function tooManyRequests(
  retryAfterSeconds: number,
  t?: Translate,
  key: 'common:errors.messages.tooManyAttempts' | 'common:errors.messages.tooManyPosts' = 'common:errors.messages.tooManyAttempts',
): HttpError {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  const message = t
    ? t(key, {
        wait: seconds < 60 ? t('auth:wait.seconds', { count: seconds }) : t('auth:wait.minutes', { count: Math.ceil(seconds / 60) }),
      })
    : `Too many attempts. Try again in ${describeWait(seconds)}.`;
  return new HttpError(429, message, { 'Retry-After': String(seconds) });
}

function describeWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}
