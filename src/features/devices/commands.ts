// What the devices routes accept: the list's search, kind, state and cursor, and the device id in
// the path. Messages are keys of this feature's locales, so a client reads them in their language.
import { z } from 'zod';
import { HostIdParam } from '../../core/index.ts';
import { DEVICE_TYPES, type DeviceType } from './port.ts';

/** A host id in a URL: whatever the host uses, within reason; the adapter decides if it is the client's. */
export const DeviceId = HostIdParam;

const emptyIsNone = <T extends z.ZodType>(schema: T) => z.union([z.literal('').transform(() => undefined), schema]).optional();

export const DevicesQuery = z.object({
  q: z
    .string()
    .trim()
    .max(100, 'devices:errors.search')
    .optional()
    .transform((text) => (text ? text : undefined)),
  type: emptyIsNone(z.enum(DEVICE_TYPES as [DeviceType, ...DeviceType[]], { error: 'devices:errors.type' })),
  state: z.enum(['all', 'active', 'inactive'], { error: 'devices:errors.state' }).default('all'),
  after: z
    .string()
    .max(400, 'devices:errors.page')
    .regex(/^[A-Za-z0-9_-]*$/, 'devices:errors.page')
    .optional(),
});
export type DevicesQueryInput = z.infer<typeof DevicesQuery>;
