// The answer to a request over a limit: 429, with Retry-After and a wait a person can read.
import { HttpError } from '../http/http-error.ts';
import type { Translate } from '../i18n/translations.ts';

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
  const message = t ? t(key, { wait: waitInWords(seconds, t) }) : `Too many attempts. Try again in ${describeWait(seconds)}.`;
  return new HttpError(429, message, { 'Retry-After': String(seconds) });
}

/** How long until a limit lets the person again, in their language ("3 minutes"): for a form that says it itself. */
export function waitInWords(retryAfterSeconds: number, t: Translate): string {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return seconds < 60 ? t('common:wait.seconds', { count: seconds }) : t('common:wait.minutes', { count: Math.ceil(seconds / 60) });
}

function describeWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}
