// What the team page accepts. Messages are English here and shown in the reader's language through
// locales/<locale>/validation.json (src/core/i18n/validation.ts).
import { z } from 'zod';
import { nameField } from '../../core/index.ts';

const hostId = z
  .string({ error: 'Choose a colleague from the list.' })
  .trim()
  .min(1, 'Choose a colleague from the list.')
  .max(64, 'Choose a colleague from the list.');

/** A built-in role's key, or `custom:<id>` of one of the workspace's roles (which the service looks up). */
const roleField = z
  .string({ error: 'Choose a role from the list.' })
  .trim()
  .regex(
    /^(admin|full|billing|member|custom:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i,
    'Choose a role from the list.',
  )
  .transform((value) => value.toLowerCase());

/** What a new colleague gets where no one chose: what an invitation gives (client_users.role's default). */
export const DEFAULT_COLLEAGUE_ROLE = 'full';

/**
 * Inviting a contact, with the role they get. The role is asked only on a first invitation (a
 * resent one keeps the role given then); without one, the default, which the service checks as
 * it checks a chosen one.
 */
export const InviteColleagueCommand = z.object({ contactId: hostId, role: roleField.optional() });
export type InviteColleagueInput = z.infer<typeof InviteColleagueCommand>;

export const ChangeRoleCommand = z.object({ role: roleField });
export type ChangeRoleInput = z.infer<typeof ChangeRoleCommand>;

export const DisableColleagueCommand = z.object({});

export const ColleagueIdParam = z.uuid();

const TEAM_NOTICES = ['invited', 'resent', 'role', 'disabled', 'requested'] as const;

export const TeamQuery = z.object({
  // Only a fixed key is read; an unknown one shows no notice.
  notice: z
    .unknown()
    .optional()
    .transform((value) => TEAM_NOTICES.find((notice) => notice === value)),
});
export type TeamQueryInput = z.infer<typeof TeamQuery>;

export const NOTE_MAX_LENGTH = 1000;

/** A client admin asks the agency to add a colleague who is not among the company's contacts. */
export const RequestColleagueCommand = z.object({
  name: nameField({ required: 'Enter your colleague’s name.', tooLong: 'Keep the name to 200 characters.' }),
  email: z
    .string({ error: 'Enter your colleague’s email address.' })
    .trim()
    .min(1, 'Enter your colleague’s email address.')
    .max(320, 'That email address is too long.')
    .pipe(z.email('Enter a valid email address, like name@example.com.'))
    .transform((value) => value.toLowerCase()),
  note: z
    .string({ error: 'Write your note as text.' })
    .trim()
    .max(NOTE_MAX_LENGTH, `Keep the note to ${NOTE_MAX_LENGTH} characters.`)
    .optional()
    .transform((value) => value || null),
  role: roleField.optional().transform((value) => value ?? DEFAULT_COLLEAGUE_ROLE),
});
export type RequestColleagueInput = z.infer<typeof RequestColleagueCommand>;

export const ColleagueRequestIdParam = z.uuid();

/** Staff add the colleague with a role of the workspace's (the one asked for, unless they choose another). */
export const AddColleagueCommand = z.object({ role: roleField });
export type AddColleagueInput = z.infer<typeof AddColleagueCommand>;

export const DeclineColleagueCommand = z.object({
  note: z
    .string({ error: 'Say why the request is declined: the client admin reads it.' })
    .trim()
    .min(1, 'Say why the request is declined: the client admin reads it.')
    .max(NOTE_MAX_LENGTH, `Keep the note to ${NOTE_MAX_LENGTH} characters.`),
});
export type DeclineColleagueInput = z.infer<typeof DeclineColleagueCommand>;

export const ColleagueRequestsQuery = z.object({
  notice: z
    .unknown()
    .optional()
    .transform((value) => (value === 'added' || value === 'declined' || value === 'decided' ? value : undefined)),
});
export type ColleagueRequestsQueryInput = z.infer<typeof ColleagueRequestsQuery>;
