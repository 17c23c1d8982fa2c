// The import rules of docs/architecture.md, read from the sources: the portal (src/) never reaches
// into a host binding, the audit, the tests or the tools; inside it, the core (src/core/) imports no
// feature, its folders import each other without a cycle, and no core module imports the core's
// front door (src/core/index.ts), through which alone the features, the composition root, the
// migrations and the audit reach the core; a feature (src/features/<name>/) reaches another only
// through that one's index.ts, with no cycle between features; a host binding reaches the portal only
// through its public API (src/index.ts) and no other binding, never the audit, and its files import
// each other without a cycle, as the portal's and the audit's do; the audit and the bindings ship
// without the test fixtures. Each rule lists what breaks it,
// file by file.
import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

interface ImportEdge {
  from: string;
  to: string;
}

function sources(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const file = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sources(file);
    return /\.(ts|mts|mjs)$/.test(entry.name) ? [file] : [];
  });
}

// Static imports and re-exports (`from '…'`), side-effect imports (`import '…'`) and dynamic
// imports (`import('…')`) of relative paths, resolved to repository paths.
const SPECIFIER = /(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm;

function importsOf(dir: string): ImportEdge[] {
  return sources(dir).flatMap((file) => {
    const text = readFileSync(path.join(root, file), 'utf8');
    return [...text.matchAll(SPECIFIER)].map((match) => ({
      from: file,
      to: path.posix.normalize(path.posix.join(path.posix.dirname(file), match[1]!)),
    }));
  });
}

// Imports that load a module when the importing one loads: not `import type` nor `export type`.
const VALUE_SPECIFIER =
  /^\s*(?:import|export)\s+(?!type\b)[^;]*?\bfrom\s+['"](\.{1,2}\/[^'"]+)['"]|\bimport\s*\(\s*['"](\.{1,2}\/[^'"]+)['"]/gm;

/** Every repository file loading `entry` loads (a type-only import loads nothing). */
function valueImportClosure(entry: string): string[] {
  const seen = new Set([entry]);
  const queue = [entry];
  for (let file = queue.shift(); file; file = queue.shift()) {
    for (const match of readFileSync(path.join(root, file), 'utf8').matchAll(VALUE_SPECIFIER)) {
      const to = path.posix.normalize(path.posix.join(path.posix.dirname(file), (match[1] ?? match[2])!));
      if (seen.has(to)) continue;
      seen.add(to);
      queue.push(to);
    }
  }
  return [...seen];
}

const show = (edges: ImportEdge[]) => edges.map((edge) => `${edge.from} → ${edge.to}`);
const bindingOf = (file: string) => file.split('/')[1]!;
const featureOf = (file: string) => (file.startsWith('src/features/') ? file.split('/')[2]! : null);
/** A feature's own tests (src/features/<name>/test/): beside its code, but no part of the portal that runs. */
const isFeatureTest = (file: string) => /^src\/features\/[^/]+\/test\//.test(file);

/**
 * The parts' dependencies on each other, as named by `partOf` (null: not a part), and the first
 * cycle among them (as a path), if any.
 */
function cycleAmong(edges: ImportEdge[], partOf: (file: string) => string | null): string[] | null {
  const graph = new Map<string, Set<string>>();
  for (const edge of edges) {
    const from = partOf(edge.from);
    const to = partOf(edge.to);
    if (from && to && from !== to) graph.set(from, (graph.get(from) ?? new Set()).add(to));
  }
  const done = new Set<string>();
  const visit = (node: string, path: string[]): string[] | null => {
    if (path.includes(node)) return [...path.slice(path.indexOf(node)), node];
    if (done.has(node)) return null;
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next, [...path, node]);
      if (cycle) return cycle;
    }
    done.add(node);
    return null;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node, []);
    if (cycle) return cycle;
  }
  return null;
}

const featureCycle = (edges: ImportEdge[]) => cycleAmong(edges, featureOf);

/** A part of the core: its folder (`web`), or a file at its top (`feature.ts`). */
const corePartOf = (file: string) => (file.startsWith('src/core/') ? file.split('/')[2]! : null);

/** The core's parts that import each other in a cycle, each cycle as a path ('web → policies → web'). */
const coreCycle = (edges: ImportEdge[]) => cycleAmong(edges, corePartOf);

describe('architecture: import rules', () => {
  const featureTests = importsOf('src').filter((edge) => isFeatureTest(edge.from));
  const src = importsOf('src').filter((edge) => !isFeatureTest(edge.from));
  const plugins = importsOf('plugins');
  const audit = importsOf('audit');
  const migrations = src.filter((edge) => edge.from.startsWith('src/migrations/'));

  it('finds the imports it checks (the reader is not blind)', () => {
    expect(src.length).to.be.greaterThan(500);
    expect(plugins.some((edge) => edge.to === 'src/index.ts')).to.equal(true);
    expect(audit.length).to.be.greaterThan(50);
    expect(migrations.some((edge) => edge.to === 'src/core/index.ts')).to.equal(true);
  });

  it('the portal (src/) imports nothing from the bindings, the audit, the tests or the tools', () => {
    expect(show(src.filter((edge) => /^(plugins|audit|test|bench|scripts)\//.test(edge.to)))).to.deep.equal([]);
  });

  it("no production file of src/ imports a feature's tests; those tests use the shared test support", () => {
    expect(
      featureTests.some((edge) => edge.to.startsWith('test/support/')),
      'the tests are read too',
    ).to.equal(true);
    expect(show(src.filter((edge) => isFeatureTest(edge.to)))).to.deep.equal([]);
  });

  it('src/ holds the composition root, the public API, the migrations, the core and the features, and nothing else', () => {
    const entries = readdirSync(path.join(root, 'src')).sort();
    expect(entries).to.deep.equal(['core', 'features', 'index.ts', 'migrations', 'portal.ts']);
  });

  it('the core (src/core/) imports no feature, nor the composition root', () => {
    expect(show(src.filter((edge) => edge.from.startsWith('src/core/') && !edge.to.startsWith('src/core/')))).to.deep.equal([]);
  });

  it("the core's folders import each other without a cycle", () => {
    const cycle = coreCycle(src);
    expect(cycle?.join(' → ') ?? null, 'a cycle between core folders').to.equal(null);
    // The check finds a cycle where there is one.
    const made = coreCycle([...src, { from: 'src/core/http/x.ts', to: 'src/core/web/render.ts' }]);
    expect(made).to.include.members(['http', 'web']);
  });

  it('the features and the composition root reach the core only through its front door, src/core/index.ts', () => {
    const intoCore = src.filter((edge) => (featureOf(edge.from) || edge.from === 'src/portal.ts') && edge.to.startsWith('src/core/'));
    expect(intoCore.length, 'features do use the core (the reader is not blind)').to.be.greaterThan(100);
    expect(show(intoCore.filter((edge) => edge.to !== 'src/core/index.ts'))).to.deep.equal([]);
  });

  it('no core module imports the front door (an ESM cycle through it leaves names undefined at load)', () => {
    expect(show(src.filter((edge) => edge.from.startsWith('src/core/') && edge.to === 'src/core/index.ts'))).to.deep.equal([]);
  });

  it("the migrations and the audit reach src/ only through the core's doors (and the runner the features' manifests)", () => {
    // Both are the portal's own: its tables, and its reading of a host database. The public API
    // (src/index.ts) is for hosts, and the migrations are loaded by the composition root, which
    // src/index.ts exports: through it they would import themselves. The runner reads the one list
    // of the features' manifests (src/features/manifests.ts) for the migrations kept beside them.
    // The audit reads a schema through src/core/host-schema.ts, and the features' words for what a
    // host keeps from src/features/host-concepts.ts; only the tool that writes the reference
    // report, which starts the embedded engine, goes through src/core/index.ts.
    const allowed = (edge: ImportEdge) =>
      (edge.from.startsWith('src/') && edge.to === 'src/core/index.ts') ||
      edge.to.startsWith('src/migrations/') ||
      (edge.from === 'src/migrations/index.ts' && edge.to === 'src/features/manifests.ts') ||
      (edge.from.startsWith('audit/') && edge.to === 'src/core/host-schema.ts') ||
      (edge.from.startsWith('audit/') && edge.to === 'src/features/host-concepts.ts') ||
      (edge.from === 'audit/write-reference-report.ts' && edge.to === 'src/core/index.ts');
    expect(show([...migrations, ...audit].filter((edge) => edge.to.startsWith('src/') && !allowed(edge)))).to.deep.equal([]);
  });

  it('`npm run audit` loads none of the running portal: of src/, only the schema door and what it names', () => {
    // The portal's front doors load all of it (six hundred modules, Stripe's and the PDF
    // renderer's among them): seconds of start-up for a command that reads a catalog.
    const loaded = valueImportClosure('audit/cli.ts');
    expect(loaded).to.include('plugins/audit-manifests.ts');
    const featuresWords = readdirSync(path.join(root, 'src/features'))
      .filter((name) => existsSync(path.join(root, 'src/features', name, 'host-concepts.ts')))
      .map((name) => `src/features/${name}/host-concepts.ts`);
    expect(featuresWords.length, 'the reader is not blind').to.be.greaterThan(10);
    expect(loaded.filter((file) => file.startsWith('src/'))).to.have.members([
      'src/core/host-schema.ts',
      'src/core/host/verify-claims.ts',
      'src/core/ports/host.ts',
      'src/features/host-concepts.ts',
      ...featuresWords,
    ]);
  });

  it('nothing in src/ imports from outside it: the migrations live under it, above core and the features', () => {
    const outside = src.filter((edge) => !edge.to.startsWith('src/') && /^(plugins|audit|test|bench|scripts)\//.test(edge.to));
    expect(show(outside)).to.deep.equal([]);
    // Only the composition root, the public API and the runner's own files use the runner.
    const users = src.filter((edge) => edge.to === 'src/migrations/index.ts').map((edge) => edge.from);
    expect([...new Set(users)].sort()).to.deep.equal(['src/index.ts', 'src/portal.ts']);
  });

  it('a feature reaches another feature only through its index.ts', () => {
    // src/features/manifests.ts, the list of the features, reads each one's manifest.ts and nothing
    // else; src/features/host-concepts.ts, the audit's list of their words, each one's host-concepts.ts.
    const lists: Record<string, string> = {
      'src/features/manifests.ts': 'manifest.ts',
      'src/features/host-concepts.ts': 'host-concepts.ts',
    };
    const list = (edge: ImportEdge) => edge.from in lists;
    const across = src.filter(
      (edge) => !list(edge) && featureOf(edge.from) && featureOf(edge.to) && featureOf(edge.from) !== featureOf(edge.to),
    );
    expect(across.length, 'features do use each other (the reader is not blind)').to.be.greaterThan(5);
    expect(show(across.filter((edge) => edge.to !== `src/features/${featureOf(edge.to)}/index.ts`))).to.deep.equal([]);
    const listed = src.filter((edge) => list(edge) && featureOf(edge.to) !== null && !(`src/features/${featureOf(edge.to)}` in lists));
    expect(listed.length, 'the lists read the features').to.be.greaterThan(10);
    expect(show(listed.filter((edge) => edge.to !== `src/features/${featureOf(edge.to)}/${lists[edge.from]}`))).to.deep.equal([]);
  });

  it("a feature's manifest imports only its own migrations and the core, so the migrations run without the portal", () => {
    const manifests = src.filter((edge) => /^src\/features\/[^/]+\/manifest\.ts$/.test(edge.from));
    expect(manifests.length).to.be.greaterThan(5);
    const allowed = (edge: ImportEdge) =>
      edge.to === 'src/core/index.ts' || edge.to.startsWith(`src/features/${featureOf(edge.from)}/migrations/`);
    expect(show(manifests.filter((edge) => !allowed(edge)))).to.deep.equal([]);
  });

  it('features depend on each other without a cycle', () => {
    expect(featureCycle(src)).to.equal(null);
    // The check finds a cycle where there is one.
    const made = featureCycle([...src, { from: 'src/features/documents/x.ts', to: 'src/features/dashboard/index.ts' }]);
    expect(made).to.include.members(['documents', 'dashboard']);
  });

  it('a host binding reaches the portal only through its public API, src/index.ts', () => {
    expect(show(plugins.filter((edge) => edge.to.startsWith('src/') && edge.to !== 'src/index.ts'))).to.deep.equal([]);
  });

  it('a host binding imports no other binding, except the lists that name them all and what all share', () => {
    // plugins/audit-manifests.ts lists every binding's audit manifest; the standalone server
    // loads each binding's standalone.ts by its --host name, and each binding implements the
    // standalone contract (plugins/standalone/binding.ts); plugins/shared/ is the hosts' common HTTP set-up.
    const allowed = (edge: ImportEdge) =>
      edge.to === 'plugins/standalone/binding.ts' ||
      edge.to.startsWith('plugins/shared/') ||
      (edge.from === 'plugins/audit-manifests.ts' && edge.to.endsWith('/audit-manifest.ts')) ||
      (edge.from.startsWith('plugins/standalone/') && (edge.to.endsWith('/standalone.ts') || edge.to.startsWith('plugins/standalone/')));
    const across = plugins.filter(
      (edge) =>
        edge.to.startsWith('plugins/') && !edge.from.startsWith('plugins/audit-manifests') && bindingOf(edge.from) !== bindingOf(edge.to),
    );
    expect(show(across.filter((edge) => !allowed(edge)))).to.deep.equal([]);
  });

  it("no host binding's files import each other in a cycle (the reference CRM's hooks have a module of their own)", () => {
    // File by file, type-only imports included: a cycle through app.ts and its route files makes
    // any of them load before what it imports is defined, and ties every route to the whole app.
    const ownFile = (file: string) => (file.startsWith('plugins/') ? file : null);
    const cycle = cycleAmong(plugins, ownFile);
    expect(cycle?.join(' → ') ?? null, 'an import cycle in plugins/').to.equal(null);
    // The check finds a cycle where there is one: a route file naming the hooks from app.ts again.
    const made = cycleAmong(
      [...plugins, { from: 'plugins/reference-crm/web/routes/tasks.ts', to: 'plugins/reference-crm/app.ts' }],
      ownFile,
    );
    expect(made).to.include.members(['plugins/reference-crm/app.ts', 'plugins/reference-crm/web/routes/tasks.ts']);
  });

  it('no host binding imports the audit: the audit reads the bindings, never the other way round', () => {
    expect(
      audit.some((edge) => edge.to.startsWith('plugins/')),
      'the audit does read the bindings',
    ).to.equal(true);
    expect(show(plugins.filter((edge) => edge.to.startsWith('audit/')))).to.deep.equal([]);
  });

  it('no file of the portal (src/) nor of the audit imports another in a cycle, type-only imports included', () => {
    const ownFile = (file: string) => file;
    expect(cycleAmong(src, ownFile)?.join(' → ') ?? null, 'an import cycle in src/').to.equal(null);
    expect(cycleAmong(audit, ownFile)?.join(' → ') ?? null, 'an import cycle in audit/').to.equal(null);
    // The check finds a cycle where there is one: the core's port file naming a feature's port file.
    const made = cycleAmong([...src, { from: 'src/core/ports/host.ts', to: 'src/features/tickets/port.ts' }], ownFile);
    expect(made).to.include.members(['src/core/ports/host.ts', 'src/features/tickets/port.ts']);
  });

  it("the reference CRM's own code imports nothing from its binding: only its start-up wires the two", () => {
    const crm = plugins.filter(
      (edge) => edge.from.startsWith('plugins/reference-crm/') && !edge.from.startsWith('plugins/reference-crm/binding/'),
    );
    const wiring = new Set(['plugins/reference-crm/boot.ts', 'plugins/reference-crm/cli/migrate.ts']);
    expect(
      crm.some((edge) => wiring.has(edge.from) && edge.to.startsWith('plugins/reference-crm/binding/')),
      'the start-up does use it',
    ).to.equal(true);
    expect(show(crm.filter((edge) => edge.to.startsWith('plugins/reference-crm/binding/') && !wiring.has(edge.from)))).to.deep.equal([]);
  });

  it("the audit and the bindings import nothing from test/ nor a feature's tests, so they ship without the fixtures", () => {
    expect(show([...audit, ...plugins].filter((edge) => edge.to.startsWith('test/') || isFeatureTest(edge.to)))).to.deep.equal([]);
  });

  it('the audit names no host: it reads the bindings only through their list of audit manifests', () => {
    // The committed AUDIT_REPORT.md is the reference CRM's, so its writer starts that host.
    const allowed = new Set([
      'audit/adapters.ts → plugins/audit-manifests.ts',
      'audit/write-reference-report.ts → plugins/reference-crm/host-alone.ts',
      'audit/write-reference-report.ts → plugins/reference-crm/migrations/index.ts',
    ]);
    expect(show(audit.filter((edge) => edge.to.startsWith('plugins/'))).filter((line) => !allowed.has(line))).to.deep.equal([]);
  });
});
