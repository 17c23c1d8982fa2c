// Company details: the client company's address, billing email, tax id and phone, kept by the
// host, seen by its people and changed by its client admin.
import type { CoreServices, Feature } from '../../core/index.ts';
import { createCompanyDetailsHandlers } from './handlers.ts';
import { companyDetailsManifest } from './manifest.ts';
import { companyDetailsPersonalData } from './personal-data.ts';
import { companyDetailsRoutes } from './routes.ts';

export function companyDetailsFeature(core: CoreServices): Feature {
  const { db, adapter } = core;
  const { companyDetails } = adapter;
  return {
    name: companyDetailsManifest.name,
    needs: { ports: ['companyDetails'] },
    personalData: companyDetailsPersonalData(),
    clientRoutes: companyDetails
      ? [companyDetailsRoutes(createCompanyDetailsHandlers({ db, adapter: { ...adapter, companyDetails } }))]
      : [],
  };
}
