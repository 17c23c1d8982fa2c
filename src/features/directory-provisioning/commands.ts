// The staff page's forms: create a token (its form id makes a double submission one token),
// revoke one, and what provisioning gives the company's people. Messages are keys of the
// directoryProvisioning namespace.
import { z } from 'zod';
import { BUILT_IN_ROLE_KEYS, type BuiltInRole, checkboxField } from '../../core/index.ts';

export const ClientIdParam = z.string().trim().min(1).max(64);
export const TokenIdParam = z.uuid();

export const CreateTokenCommand = z.object({ formId: z.uuid('directoryProvisioning:errors.form') });

export const RevokeTokenCommand = z.object({});

export const SettingsCommand = z.object({
  defaultRole: z.enum(BUILT_IN_ROLE_KEYS as [BuiltInRole, ...BuiltInRole[]], 'directoryProvisioning:errors.role'),
  createContacts: checkboxField,
});

const role = z.enum(BUILT_IN_ROLE_KEYS as [BuiltInRole, ...BuiltInRole[]], 'directoryProvisioning:errors.role');
const groupName = z.string().trim().min(1, 'directoryProvisioning:errors.groupName').max(255, 'directoryProvisioning:errors.groupName');

/** A directory group's name → the client role its members get. */
export const GroupRoleCommand = z.object({ groupName, role });
export const RemoveGroupRoleCommand = z.object({ groupName });

export const PageQuery = z.object({
  notice: z.enum(['created', 'revoked', 'saved', 'mapped', 'unmapped']).optional(),
  client: z.string().trim().max(64).optional(),
});

export type CreateTokenInput = z.infer<typeof CreateTokenCommand>;
export type SettingsInput = z.infer<typeof SettingsCommand>;
export type PageQueryInput = z.infer<typeof PageQuery>;
export type GroupRoleInput = z.infer<typeof GroupRoleCommand>;
