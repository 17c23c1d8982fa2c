// Saving the settings form: switches, sign-in methods, the two-factor rule and how long the
// sign-in and security log is kept, branding and the logo, as one change.
//
// The settings row is written in one transaction. The logo goes through the FileStorage port, which
// may be object storage and so cannot join that transaction; instead the steps are ordered so that
// every failure leaves the portal as it was:
//   1. store the new logo: if that fails, nothing is saved;
//   2. write the settings in one transaction: if that fails, the new file is deleted again (its undo);
//   3. only after the commit, delete the logo it replaced, so the portal never points at a missing file.
import type { Knex } from 'knex';
import { type FileStorage, findSettings, type PortalLogger, saveSettings, SECTION_SWITCHES, type SectionSwitch } from '../../core/index.ts';
import type { SettingsInput } from './commands.ts';

const LOGO_PURPOSE = 'logo';

export interface SaveSettingsDeps {
  db: Knex;
  storage: FileStorage;
  logger: PortalLogger;
}

export async function saveSettingsForm(deps: SaveSettingsDeps, workspaceId: string, staffId: string, input: SettingsInput): Promise<void> {
  const { db, storage, logger } = deps;
  const newLogoId = input.logo ? await storage.put(workspaceId, LOGO_PURPOSE, input.logo) : null;

  let replacedLogoId: string | null = null;
  try {
    await db.transaction(async (trx) => {
      const current = await findSettings(trx, workspaceId);
      // A new upload wins over "remove logo": the admin chose a file, so they want a logo.
      const logoFileId = newLogoId ?? (input.removeLogo ? null : current.logoFileId);
      if (current.logoFileId && current.logoFileId !== logoFileId) replacedLogoId = current.logoFileId;
      const switches = Object.fromEntries(SECTION_SWITCHES.map((s) => [s.key, input[s.key]])) as Record<SectionSwitch, boolean>;
      await saveSettings(
        trx,
        workspaceId,
        {
          ...switches,
          loginWithCode: input.loginWithCode,
          loginWithPassword: input.loginWithPassword,
          requireTwoFactor: input.requireTwoFactor,
          portalTitle: input.portalTitle,
          primaryColor: input.primaryColor,
          maxUploadMb: input.maxUploadMb,
          securityLogDays: input.securityLogDays,
          logoFileId,
        },
        staffId,
      );
    });
  } catch (err) {
    if (newLogoId) {
      await storage
        .delete(workspaceId, newLogoId)
        .catch((undoError: unknown) => logger.error(`could not remove logo ${newLogoId} after a failed save`, undoError));
    }
    throw err;
  }

  if (replacedLogoId) {
    const oldLogoId: string = replacedLogoId;
    // The settings are saved; a file left behind costs only space, so this does not fail the request.
    await storage
      .delete(workspaceId, oldLogoId)
      .catch((err: unknown) => logger.error(`could not delete the replaced logo ${oldLogoId}`, err));
  }
}
