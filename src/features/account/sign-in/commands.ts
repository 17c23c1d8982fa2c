// One schema per sign-in action. `next` is kept only as a string here; safeNext() decides whether
// it may be followed.
import { z } from 'zod';
import { currentPasswordField, emailField, newPasswordField, oneTimeCodeField, SUPPORTED_LOCALES } from '../../../core/index.ts';

const next = z.string().max(500).optional();

export const RequestCodeCommand = z.object({ email: emailField, next });
export const VerifyCodeCommand = z.object({ email: emailField, code: oneTimeCodeField, next });
export const PasswordSignInCommand = z.object({ email: emailField, password: currentPasswordField, next });
export const ForgotPasswordCommand = z.object({ email: emailField });
export const ChooseLanguageCommand = z.object({ locale: z.enum(SUPPORTED_LOCALES), next });

export const SetPasswordCommand = z
  .object({ password: newPasswordField, confirmPassword: z.string({ error: 'Type the password again.' }).max(200) })
  .refine((form) => form.password === form.confirmPassword, { path: ['confirmPassword'], message: 'The two passwords do not match.' });

export type RequestCodeInput = z.infer<typeof RequestCodeCommand>;
export type VerifyCodeInput = z.infer<typeof VerifyCodeCommand>;
export type PasswordSignInInput = z.infer<typeof PasswordSignInCommand>;
export type ForgotPasswordInput = z.infer<typeof ForgotPasswordCommand>;
export type ChooseLanguageInput = z.infer<typeof ChooseLanguageCommand>;
export type SetPasswordInput = z.infer<typeof SetPasswordCommand>;
