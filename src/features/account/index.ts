export { describeDevice, formatDateTime } from './presenters.ts';
export type { AuthService } from './sign-in/auth-service.ts';
export { emailLocale } from './sign-in/emails.ts';
export { voidUserLinks } from './sign-in/token-queries.ts';
export { twoFactorResetEmail } from './two-factor/emails.ts';
export { deleteTwoFactor, isTwoFactorEnabled, listTwoFactorUserIds } from './two-factor/queries.ts';
