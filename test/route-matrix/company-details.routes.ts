// The Company page: every signed-in client reads their own company's details (no record id: the
// company is the signed-in person's, so no one reaches another's); changing them is the client
// admin's, under the allowCompanyDetailsEdit switch and the companyDetails permission. The form
// sends the details Northwind already has, so the owner's save changes nothing in the CRM.
import type { MatrixRoute } from './matrix.ts';

export const routes: MatrixRoute[] = [
  { method: 'GET', path: '/account/company', url: () => '/account/company', ownedByClient: false },
  {
    method: 'POST',
    path: '/account/company',
    url: () => '/account/company',
    form: {
      addressLine1: '410 Harbor Street',
      addressLine2: '',
      postalCode: '',
      city: 'Seattle, WA 98101',
      countryCode: 'US',
      billingEmail: '',
      phone: '',
      taxId: '91-1144442',
    },
    ownedByClient: false,
    clientAdmin: true,
    switches: ['allowCompanyDetailsEdit'],
    ownerStatus: [303],
  },
];
