// The client activity events, with the words the agency reads in the activity log.
import type { Translate } from '../i18n/translations.ts';

export const ACTIVITY_EVENTS = {
  'sign_in.succeeded': 'Signed in',
  'sign_in.failed': 'Sign-in failed',
  'sign_in.locked': 'Sign-in blocked by the attempt limit',
  'sign_in_code.requested': 'Requested a sign-in code',
  sign_out: 'Signed out',
  'password.changed': 'Changed password',
  'password.reset_requested': 'Requested a password reset',
  'password.reset': 'Reset password',
  'invitation.sent': 'Was invited',
  'invitation.accepted': 'Accepted the invitation',
  'account.updated': 'Updated their profile',
  'session.revoked': 'Signed out another session',
  'client_user.disabled': 'Access disabled by the agency',
  'client_user.enabled': 'Access re-enabled by the agency',
  'client_user.access_changed': 'Role or hidden sections changed by the agency',
  'client.access_changed': 'Sections hidden from the whole company changed by the agency',
  'client_role.created': 'A client role was created by the agency',
  'client_role.changed': 'A client role was changed by the agency',
  'client_role.removed': 'A client role was removed by the agency',
  'team.invited': 'Invited a colleague',
  'team.role_changed': 'Changed a colleague’s role',
  'team.disabled': 'Disabled a colleague’s access',
  'team.colleague_requested': 'Asked the agency to add a colleague',
  'team.colleague_added': 'A colleague they asked for was added and invited by the agency',
  'team.colleague_declined': 'Their request for a new colleague was declined by the agency',
  'invoice.payment_started': 'Started an online payment',
  'invoice.payment_recorded': 'Paid an invoice online',
  'invoice.payment_reported': 'Reported paying by bank transfer',
  'invoice.payment_failed': 'Online payment failed; nothing was paid',
  'invoice.payment_cancelled': 'Online payment not completed: the checkout expired or was abandoned',
  'invoice.payment_unapplied': 'Paid online, but the money could not be applied to the invoice: apply or refund it',
  'invoice.payment_refunded': 'Money paid online that could not be applied was refunded by the agency',
  'invoice.autopay_paid': 'Paid an invoice automatically (autopay)',
  'invoice.autopay_failed': 'An automatic payment (autopay) failed; the invoice is still open',
  'payment_method.added': 'Saved a payment method',
  'payment_method.removed': 'Removed a saved payment method',
  'payment_method.default_changed': 'Chose the payment method autopay charges',
  'autopay.switched_on': 'Switched autopay on',
  'autopay.switched_off': 'Switched autopay off',
  'offer.viewed': 'Viewed a proposal or quotation',
  'offer.pdf_downloaded': 'Downloaded the PDF of a proposal or quotation',
  'invoice.viewed': 'Viewed an invoice',
  'invoice.pdf_downloaded': 'Downloaded the PDF of an invoice',
  'invoice.receipt_downloaded': 'Downloaded the receipt of a payment',
  'invoice.statement_downloaded': 'Downloaded the statement of account',
  'comment.added': 'Commented',
  'document.downloaded': 'Downloaded a document',
  'document.uploaded': 'Uploaded a document',
  'document.deleted': 'Deleted their upload',
  'task.completed': 'Marked a task done',
  'task.reopened': 'Reopened a task',
  'ticket.opened': 'Opened a support ticket',
  'ticket.replied': 'Replied on a support ticket',
  'ticket.closed': 'Closed a support ticket',
  'ticket.reopened': 'Reopened a support ticket',
  'ticket.rated': 'Rated a closed support ticket',
  'request.submitted': 'Sent a service or quote request',
  'appointment.requested': 'Asked for an appointment',
  'appointment.cancelled': 'Cancelled an appointment',
  'appointment.rescheduled': 'Asked to move an appointment',
  'approval.approved': 'Approved work shared for approval',
  'approval.changes_requested': 'Asked for changes to work shared for approval',
  'company.details_changed': 'Changed the company’s details',
  'order.reordered': 'Asked for an order again',
  'contract.hours_requested': 'Asked for more hours on a contract',
  'contract.hours_withdrawn': 'Withdrew a request for more hours on a contract',
  'contract.hours_answered': 'Their request for more hours on a contract was answered by the agency',
  'offer.accepted': 'Accepted a proposal or quotation',
  'offer.declined': 'Declined a proposal or quotation',
  'offer.signed_pdf_downloaded': 'Downloaded the signed PDF',
  'offer.reminder_sent': 'Was emailed a reminder that a proposal or quotation lapses soon',
  'public_link.opened': 'Opened a public link',
  'public_link.created': 'A public link was created by the agency',
  'public_link.revoked': 'A public link was revoked by the agency',
  'record.viewed_as_client': 'Viewed by the agency as the client sees it',
  'two_factor.setup_started': 'Started setting up two-factor authentication',
  'two_factor.enabled': 'Turned on two-factor authentication',
  'two_factor.disabled': 'Turned off two-factor authentication',
  'two_factor.recovery_codes_renewed': 'Made new recovery codes (the earlier ones stopped working)',
  'two_factor.reset': 'Two-factor authentication reset by the agency',
  'two_factor.passed': 'Passed the two-factor check',
  'two_factor.failed': 'Failed the two-factor check',
  'two_factor.locked': 'Two-factor check blocked by the attempt limit',
  'passkey.added': 'Added a passkey',
  'passkey.removed': 'Removed a passkey',
  'confirmation_code.requested': 'Asked for a confirmation code by email',
  'email.change_requested': 'Asked to change their sign-in email',
  'email.changed': 'Changed their sign-in email',
  'privacy.export_requested': 'Asked for a copy of their data',
  'privacy.erasure_requested': 'Asked for their data to be erased',
  'privacy.erasure_withdrawn': 'Withdrew their request to erase their data',
  'privacy.erasure_approved': 'Their data was erased, approved by the agency',
  'privacy.erasure_declined': 'Their request to erase their data was declined by the agency',
  'directory.person_provisioned': 'Provisioned by their company’s directory',
  'directory.person_updated': 'Updated by their company’s directory',
  'directory.person_deactivated': 'Deactivated by their company’s directory',
  'directory.person_reactivated': 'Reactivated by their company’s directory',
  'directory.person_deleted': 'Deleted by their company’s directory (access disabled)',
  'directory.token_created': 'A directory provisioning token was created by the agency',
  'directory.token_revoked': 'A directory provisioning token was revoked by the agency',
} as const;

export type ActivityEvent = keyof typeof ACTIVITY_EVENTS;

export const isActivityEvent = (value: string): value is ActivityEvent => value in ACTIVITY_EVENTS;

/** What a client did with an offer, said of a proposal or of a quotation when the entry knows which. */
const OFFER_ACTIONS: ReadonlySet<string> = new Set([
  'viewed',
  'pdf_downloaded',
  'accepted',
  'declined',
  'signed_pdf_downloaded',
  'reminder_sent',
]);

/**
 * An event's words in the reader's language (locales/<lang>/activityEvents.json); an unknown event
 * as itself. With the entry's details, an offer's event names its kind ("Accepted a quotation").
 */
export function activityLabel(t: Translate, event: string, details?: Record<string, unknown> | null): string {
  if (!isActivityEvent(event)) return event;
  const [group, action] = event.split('.') as [string, string];
  const kind = details?.kind;
  if (group === 'offer' && OFFER_ACTIONS.has(action) && (kind === 'proposal' || kind === 'quotation'))
    return t(`activityEvents:offerOf.${kind}.${action}`);
  return t(`activityEvents:${event}`);
}
