// The account page's actions.
import { z } from 'zod';
import { currentPasswordField, newPasswordField, personNameField, phoneField } from '../web/fields.ts';

export const UpdateProfileCommand = z.object({ name: personNameField, phone: phoneField.default('') });

export const ChangePasswordCommand = z
  .object({
    currentPassword: currentPasswordField.optional(),
    password: newPasswordField,
    confirmPassword: z.string({ error: 'Type the new password again.' }).max(200),
  })
  .refine((form) => form.password === form.confirmPassword, { path: ['confirmPassword'], message: 'The two passwords do not match.' });

export const SessionIdParam = z.string().regex(/^[0-9a-f]{64}$/);

export type UpdateProfileInput = z.infer<typeof UpdateProfileCommand>;
export type ChangePasswordInput = z.infer<typeof ChangePasswordCommand>;
