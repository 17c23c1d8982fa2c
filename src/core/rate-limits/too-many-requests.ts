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
  const message = t
    ? t(key, {
        wait: seconds < 60 ? t('common:wait.seconds', { count: seconds }) : t('common:wait.minutes', { count: Math.ceil(seconds / 60) }),
      })
    : `Too many attempts. Try again in ${describeWait(seconds)}.`;
  return new HttpError(429, message, { 'Retry-After': String(seconds) });
}

function describeWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}
