// What the team page accepts. Messages are English here and shown in the reader's language through
// locales/<locale>/validation.json (src/core/i18n/validation.ts).
import { z } from 'zod';

const hostId = z
  .string({ error: 'Choose a colleague from the list.' })
  .trim()
  .min(1, 'Choose a colleague from the list.')
  .max(64, 'Choose a colleague from the list.');

export const InviteColleagueCommand = z.object({ contactId: hostId });
export type InviteColleagueInput = z.infer<typeof InviteColleagueCommand>;

export const ChangeRoleCommand = z.object({
  role: z
    .string({ error: 'Choose a role from the list.' })
    .trim()
    .regex(
      /^(admin|full|billing|member|custom:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i,
      'Choose a role from the list.',
    )
    .transform((value) => value.toLowerCase()),
});
export type ChangeRoleInput = z.infer<typeof ChangeRoleCommand>;

export const DisableColleagueCommand = z.object({});

export const ColleagueIdParam = z.uuid();

export const TeamQuery = z.object({
  // Only a fixed key is read; an unknown one shows no notice.
  notice: z
    .unknown()
    .optional()
    .transform((value) => (value === 'invited' || value === 'resent' || value === 'role' || value === 'disabled' ? value : undefined)),
});
export type TeamQueryInput = z.infer<typeof TeamQuery>;
