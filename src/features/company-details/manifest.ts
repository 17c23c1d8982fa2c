// The files of company details beside its code: a client admin keeps the company's own details.
// Read before any portal exists (src/core/feature.ts), so it imports no more than they need.
import { fileURLToPath } from 'node:url';
import type { FeatureManifest } from '../../core/index.ts';
import * as allowCompanyDetailsEdit from './migrations/20270505000001_allow_company_details_edit.ts';

export const companyDetailsManifest: FeatureManifest = {
  name: 'company-details',
  views: fileURLToPath(new URL('./views', import.meta.url)),
  locales: fileURLToPath(new URL('./locales', import.meta.url)),
  migrations: {
    '20270505000001_allow_company_details_edit': allowCompanyDetailsEdit,
  },
};
