// One feature, one folder: each src/features/<name>/ holds its code, its templates (views/), its
// translations (locales/) and its migrations (migrations/), and declares them in its manifest,
// which the list of features (src/features/manifests.ts) names. What a folder holds and what the
// manifest declares are the same, so nothing is left unread and nothing is read that is not there.
import { expect } from 'chai';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FEATURE_MANIFESTS } from '../../src/features/manifests.ts';

const features = fileURLToPath(new URL('../../src/features/', import.meta.url));
const folders = readdirSync(features, { withFileTypes: true }).filter((entry) => entry.isDirectory());

describe('architecture: each feature declares the folders it holds', function () {
  it('lists every feature folder once', function () {
    expect(folders.length).to.be.greaterThan(10);
    const declared = FEATURE_MANIFESTS.flatMap((feature) => [feature.views, feature.locales].filter((dir) => dir !== undefined));
    const owners = declared.map((dir) => path.basename(path.dirname(dir!)));
    const withFolders = folders.filter((folder) => ['views', 'locales'].some((kind) => existsSync(path.join(features, folder.name, kind))));
    expect([...new Set(owners)].sort()).to.deep.equal(withFolders.map((folder) => folder.name).sort());
    expect(FEATURE_MANIFESTS).to.have.length(folders.length);
    expect(new Set(FEATURE_MANIFESTS.map((feature) => feature.name)).size).to.equal(FEATURE_MANIFESTS.length);
  });

  it("keeps core's templates under names of their own: no folder of views/ is named after a feature", function () {
    const core = readdirSync(fileURLToPath(new URL('../../views/', import.meta.url)), { withFileTypes: true }).filter((entry) =>
      entry.isDirectory(),
    );
    expect(core.length).to.be.greaterThan(0);
    const named = core.map((entry) => entry.name).filter((name) => folders.some((folder) => folder.name === name));
    expect(named, 'views/ folders named after a feature').to.deep.equal([]);
  });

  for (const folder of folders) {
    it(`${folder.name}: its manifest declares its views, locales and migrations, and only those`, function () {
      const here = path.join(features, folder.name);
      const manifest = FEATURE_MANIFESTS.find((feature) =>
        [feature.views, feature.locales].some((dir) => dir !== undefined && path.dirname(dir) === here.replace(/\/$/, '')),
      );
      const holds = (kind: string) => existsSync(path.join(here, kind));
      if (!manifest) {
        expect(holds('views') || holds('locales') || holds('migrations'), 'folders without a manifest').to.equal(false);
        return;
      }
      expect(manifest.views, 'views').to.equal(holds('views') ? path.join(here, 'views') : undefined);
      expect(manifest.locales, 'locales').to.equal(holds('locales') ? path.join(here, 'locales') : undefined);
      const files = holds('migrations') ? readdirSync(path.join(here, 'migrations')).map((file) => file.replace(/\.ts$/, '')) : [];
      expect(Object.keys(manifest.migrations ?? {}).sort(), 'migrations').to.deep.equal(files.sort());
    });
  }
});
