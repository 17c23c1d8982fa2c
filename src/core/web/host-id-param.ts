// What a host names in an address or a form, as the portal takes it: an id (a ticket, a task, a
// contract, a client) is whatever the host uses, within reason, and whether it is this client's
// is the adapter's to decide in its scoped query; a list's cursor, where the host pages the list
// itself, is its keyset, opaque to the portal. These only keep what could never be either out.
import { z } from 'zod';

export const HostIdParam = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);

/**
 * A list page's cursor where the host pages the list itself (its keyset, opaque to the portal): up
 * to 400 characters of the same safe alphabet; a tampered one is a 400 naming the page link.
 */
export const hostCursorField = z
  .string()
  .max(400, 'That page link is not valid.')
  .regex(/^[A-Za-z0-9_-]*$/, 'That page link is not valid.');
