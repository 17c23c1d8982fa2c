// The client activity events, with the words the agency reads in the activity log.

export const ACTIVITY_EVENTS = {
  'sign_in.succeeded': 'Signed in',
  'sign_in.failed': 'Sign-in failed',
  'sign_in.locked': 'Sign-in blocked by the attempt limit',
  'sign_in_code.requested': 'Requested a sign-in code',
  'sign_out': 'Signed out',
  'password.changed': 'Changed password',
  'password.reset_requested': 'Requested a password reset',
  'password.reset': 'Reset password',
  'invitation.sent': 'Was invited',
  'invitation.accepted': 'Accepted the invitation',
  'account.updated': 'Updated their profile',
  'session.revoked': 'Signed out another session',
  'client_user.disabled': 'Access disabled by the agency',
  'client_user.enabled': 'Access re-enabled by the agency',
  'invoice.payment_started': 'Started an online payment',
  'invoice.payment_recorded': 'Paid an invoice online',
  'invoice.payment_reported': 'Reported paying by bank transfer',
  'offer.viewed': 'Viewed a proposal or quotation',
  'offer.pdf_downloaded': 'Downloaded the PDF of a proposal or quotation',
  'invoice.viewed': 'Viewed an invoice',
  'invoice.pdf_downloaded': 'Downloaded the PDF of an invoice',
  'comment.added': 'Commented',
  'document.downloaded': 'Downloaded a document',
  'document.uploaded': 'Uploaded a document',
  'document.deleted': 'Deleted their upload',
  'task.completed': 'Marked a task done',
  'task.reopened': 'Reopened a task',
  'offer.accepted': 'Accepted a proposal or quotation',
  'offer.declined': 'Declined a proposal or quotation',
  'offer.signed_pdf_downloaded': 'Downloaded the signed PDF',
  'public_link.opened': 'Opened a public link',
  'public_link.created': 'A public link was created by the agency',
  'public_link.revoked': 'A public link was revoked by the agency',
} as const;

export type ActivityEvent = keyof typeof ACTIVITY_EVENTS;

export const isActivityEvent = (value: string): value is ActivityEvent => value in ACTIVITY_EVENTS;
