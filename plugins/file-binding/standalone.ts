// A binding file as a standalone binding: `npm run portal -- migrate | invite | serve --binding
// FILE` runs the portal beside any CRM the file describes, as `--host` does beside Dolibarr and
// Alga PSA. Staff sign in with their CRM email and password (the file's staff section), or, with
// `staff: none`, not at all.
import path from 'node:path';
import type { Knex } from 'knex';
import { credentialStamp, type StandaloneBinding, type StandaloneHost, StandaloneSetupError } from '../standalone/binding.ts';
import { createFileBinding } from './adapter.ts';
import { BindingFileError, readBindingFile } from './load.ts';

// `portal -- check --binding FILE`, which the command line reaches through this module as it reaches every binding.
export { checkBindingFile } from './check.ts';

/** The standalone binding of the file at `file`; the file is read (and checked) when opened. */
export function fileStandaloneBinding(file: string): StandaloneBinding {
  const name = `file:${path.basename(file)}`;
  const binding: StandaloneBinding = {
    name,
    // The file's name until it is read; then the CRM's name as the file says it (`crm:`).
    crmName: path.basename(file),
    settings: [],
    async open(db: Knex): Promise<StandaloneHost> {
      let opened: Awaited<ReturnType<typeof createFileBinding>>;
      try {
        opened = await createFileBinding(db, readBindingFile(file), { name });
      } catch (err) {
        if (err instanceof BindingFileError) throw new StandaloneSetupError(err.message);
        throw new StandaloneSetupError(`${file}: ${(err as Error).message}`);
      }
      const { file: bound, staff, staffPasswords } = opened;
      binding.crmName = bound.crm;
      const present = (row: Parameters<typeof staff.present>[0]) => ({
        ...staff.present(row),
        credentialStamp: credentialStamp(row.password),
      });
      return {
        adapter: opened.adapter,
        ...(bound.staff ? {} : { noStaffSignIn: `the file says staff: none, so ${bound.crm}'s staff do not sign in to the portal` }),
        listWorkspaces: () => opened.workspaces(),
        async signInStaff(login, password) {
          const rows = await staff.byEmail(login);
          if (rows.length === 0) return staffPasswords.decoy(password).then(() => null);
          for (const row of rows) if (await staffPasswords.verify(password, row.password)) return present(row);
          return null;
        },
        async staffAccountsFor(login) {
          return (await staff.byEmail(login)).map((row) => ({ workspaceId: row.workspace_id, id: row.id }));
        },
        async findStaff(workspaceId, staffId) {
          const row = await staff.find(workspaceId, staffId);
          return row ? present(row) : null;
        },
        crmRecordUrl(kind, id) {
          const page = bound.pages?.[kind as keyof NonNullable<typeof bound.pages>];
          if (!bound.crmUrl || !page || !/^[A-Za-z0-9_-]{1,64}$/.test(id)) return null;
          return `${bound.crmUrl.replace(/\/+$/, '')}${page.replace('{id}', encodeURIComponent(id))}`;
        },
      };
    },
  };
  return binding;
}
