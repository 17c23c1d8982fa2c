// A host's id where an address or a form names one (a ticket, a task, a contract, a client):
// whatever the host uses, within reason. Whether it is this client's is the adapter's to decide, in
// its scoped query; this only keeps what could never be an id from reaching it.
import { z } from 'zod';

export const HostIdParam = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);
