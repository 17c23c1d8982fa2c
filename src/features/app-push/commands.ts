// What the push endpoints accept: a browser's PushSubscription (its endpoint and keys), sent by the
// page's script with the CSRF header; removing one needs only its endpoint.
import { z } from 'zod';

const base64url = (min: number, max: number, what: string) =>
  z
    .string({ error: `The ${what} is missing.` })
    .regex(/^[A-Za-z0-9_-]+={0,2}$/, `The ${what} is not base64url.`)
    .min(min, `The ${what} is too short.`)
    .max(max, `The ${what} is too long.`);

const endpoint = z
  .string({ error: 'The push endpoint is missing.' })
  .max(2000, 'The push endpoint is too long.')
  .refine((value) => URL.canParse(value), 'The push endpoint is not a URL.');

export const SubscribeCommand = z.object({
  endpoint,
  // A P-256 point, uncompressed: 65 bytes, 87 characters in base64url.
  p256dh: base64url(80, 100, 'device key'),
  // 16 bytes: 22 characters.
  auth: base64url(16, 40, 'auth secret'),
});
export type SubscribeInput = z.infer<typeof SubscribeCommand>;

export const UnsubscribeCommand = z.object({ endpoint });
export type UnsubscribeInput = z.infer<typeof UnsubscribeCommand>;
