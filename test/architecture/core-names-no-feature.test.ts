// The core speaks no feature's words and draws no feature's page: no file of src/core/ and no
// core template (views/) names a feature's translation namespace ('offers:…') or one of a
// feature's templates ('invoices/show'). What core shows, it says with its own namespaces
// (locales/); what it decides, it returns as a code for the feature to word. The features' own
// namespaces and templates are read from their manifests, so a new feature is checked too.
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOCALES_DIR } from '../../src/core/i18n/translations.ts';
import { FEATURE_MANIFESTS } from '../../src/features/manifests.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

function filesUnder(dir: string, pattern: RegExp): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(full, pattern);
    return pattern.test(entry.name) ? [full] : [];
  });
}

const relative = (file: string) => path.relative(root, file).split(path.sep).join('/');
const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
const namespacesIn = (folder: string) => readdirSync(path.join(folder, 'en')).map((file) => file.replace(/\.json$/, ''));

/** Each feature's namespaces and template names ('invoices/show', as render() and include() name them). */
const features = FEATURE_MANIFESTS.map((feature) => ({
  name: feature.name,
  namespaces: feature.locales ? namespacesIn(feature.locales) : [],
  templates: feature.views
    ? filesUnder(feature.views, /\.ejs$/).map((file) =>
        path
          .relative(feature.views!, file)
          .split(path.sep)
          .join('/')
          .replace(/\.ejs$/, ''),
      )
    : [],
}));

const coreFiles = [...filesUnder(path.join(root, 'src/core'), /\.ts$/), ...filesUnder(path.join(root, 'views'), /\.ejs$/)];

/** A quoted key of the namespace ('ns:key', "ns:key" or `ns:key`). */
const keyOf = (namespace: string) => new RegExp(`['"\`]${literal(namespace)}:[A-Za-z$]`);
/** A quoted template name, as render() ('invoices/show') or include() ('/invoices/show') give it. */
const templateOf = (name: string) => new RegExp(`['"\`]/?${literal(name)}['"\`]`);

/**
 * The code of a file without its comments: a comment may give a feature's page as an example
 * ('offers/show'); only what the code names couples it. Line comments start at the line or after a
 * space, so an address ('https://…') in a string stays.
 */
function codeOf(file: string): string {
  const text = readFileSync(file, 'utf8');
  if (file.endsWith('.ejs')) return text.replace(/<%#[\s\S]*?%>/g, '');
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|\s)\/\/.*$/gm, '$1');
}

/** What one text names, each as '<where> names <feature>'s namespace <ns>' (or template <name>). */
function namingsIn(where: string, text: string): string[] {
  return features.flatMap((feature) => [
    ...feature.namespaces.filter((ns) => keyOf(ns).test(text)).map((ns) => `${where} names ${feature.name}'s namespace ${ns}`),
    ...feature.templates.filter((name) => templateOf(name).test(text)).map((name) => `${where} names ${feature.name}'s template ${name}`),
  ]);
}

describe('architecture: the core names no feature', function () {
  it('reads what it checks (the reader is not blind)', function () {
    expect(coreFiles.filter((file) => file.endsWith('.ejs')).length).to.be.greaterThan(10);
    expect(coreFiles.filter((file) => file.endsWith('.ts')).length).to.be.greaterThan(100);
    expect(features.flatMap((feature) => feature.namespaces)).to.include.members([
      'offers',
      'invoices',
      'team',
      'auth',
      'admin',
      'notifications',
    ]);
    expect(features.flatMap((feature) => feature.templates)).to.include.members(['invoices/show', 'offers/show', 'admin/clients']);
    // Core's namespaces and the features' are apart: a core key never passes for a feature's.
    const core = namespacesIn(LOCALES_DIR);
    expect(core).to.include.members(['common', 'staff', 'commercial']);
    expect(features.flatMap((feature) => feature.namespaces).filter((ns) => core.includes(ns))).to.deep.equal([]);
  });

  it('finds a naming where there is one', function () {
    const lines = [`t('offers:lines.total')`, `render(res, 'invoices/show')`, `include('/records/view-as')`, `t("common:wait.seconds")`];
    expect(lines.flatMap((line) => namingsIn('it', line))).to.deep.equal([
      "it names offers's namespace offers",
      "it names invoices's template invoices/show",
      "it names offers's template records/view-as",
    ]);
  });

  it("no core file or core template names a feature's namespace or template", function () {
    expect(coreFiles.flatMap((file) => namingsIn(relative(file), codeOf(file)))).to.deep.equal([]);
  });
});
