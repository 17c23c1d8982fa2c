// How long the agency has to answer a request to erase a person's data: one month from receipt
// (GDPR Art. 12(3); Art. 3(2)(c) of Regulation 1182/71: the same day of the next month, or that
// month's last day when it has no such day). Shown on the notification and on the request's page.

export function erasureDeadline(received: Date): Date {
  const year = received.getUTCFullYear();
  const month = received.getUTCMonth() + 1;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(received.getUTCDate(), lastDay), received.getUTCHours(), received.getUTCMinutes()));
}
