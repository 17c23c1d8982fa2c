export { invoicePdfModel, presentInvoiceDetail, presentInvoiceRow } from './presenters.ts';
