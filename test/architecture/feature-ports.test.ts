// Each feature's host port lives with the feature (src/features/<name>/port.ts) and adds itself to
// HostAdapter there; the core declares only the ports every feature needs (workspaces, clients,
// contacts, staff, …). So no file of src/core/ declares a port named after a feature, the core's
// HostAdapter lists no feature's port, and the public API (src/index.ts) exports every feature's
// port file, so a binding that reads the portal through it sees each port on HostAdapter. Beyond
// the ports it declares, no file of src/core/ names a feature's record type or port at all (a
// type it keeps, a port or member it reads), and no folder of it is named after a feature.
import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FEATURE_MANIFESTS } from '../../src/features/manifests.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

const relative = (file: string) => path.relative(root, file).split(path.sep).join('/');
/** The code without its comments: a comment may name a feature's port ("as TicketsPort.staffPageOf"). */
const codeOf = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|\s)\/\/.*$/gm, '$1');

/** A name's words, lower case: 'HostApprovalFilesPort' → host, approval, files, port; 'knowledge-base' → knowledge, base. */
const wordsOf = (name: string) =>
  name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_-]+/)
    .filter(Boolean)
    .map((word) => word.toLowerCase());

/**
 * Whether a name names the feature: the feature's words stand in it one after the other, the last
 * one also in the singular ('ServiceRequestsPort' names requests, 'HostApprovalFilesPort' approvals).
 */
function namesFeature(name: string, feature: string): boolean {
  const words = wordsOf(name);
  const wanted = wordsOf(feature);
  const last = wanted.length - 1;
  const matches = (word: string, index: number) =>
    word === wanted[index] || (index === last && wanted[index]!.endsWith('s') && word === wanted[index]!.slice(0, -1));
  return words.some((_, start) => wanted.every((_, index) => words[start + index] !== undefined && matches(words[start + index]!, index)));
}

const featureNames = FEATURE_MANIFESTS.map((feature) => feature.name);
const featureNamed = (name: string) => featureNames.filter((feature) => namesFeature(name, feature));

/** Each port a core file declares (an interface or type whose name ends in Port), as 'file: Name'. */
function portsDeclaredIn(files: string[]): Array<{ file: string; name: string }> {
  return files.flatMap((file) =>
    [...codeOf(readFileSync(file, 'utf8')).matchAll(/\b(?:interface|type|class)\s+([A-Z]\w*Port)\b/g)].map((match) => ({
      file: relative(file),
      name: match[1]!,
    })),
  );
}

/** The members the core's own declaration of HostAdapter lists. */
function coreAdapterMembers(): string[] {
  const code = codeOf(readFileSync(path.join(root, 'src/core/ports/host.ts'), 'utf8'));
  const body = /export interface HostAdapter \{([\s\S]*?)\n\}/.exec(code)?.[1] ?? '';
  return [...body.matchAll(/^\s*(\w+)\??:/gm)].map((match) => match[1]!);
}

describe('architecture: the features keep their own host ports', function () {
  it('tells a port named after a feature from one that is not', function () {
    expect(featureNamed('TicketsPort')).to.deep.equal(['tickets']);
    expect(featureNamed('TicketSurveysPort')).to.deep.equal(['tickets']);
    expect(featureNamed('ServiceRequestsPort')).to.deep.equal(['requests']);
    expect(featureNamed('HostApprovalFilesPort')).to.deep.equal(['approvals']);
    expect(featureNamed('KnowledgeBasePort')).to.deep.equal(['knowledge-base']);
    expect(featureNamed('CompanyDetailsPort')).to.deep.equal(['company-details']);
    expect(featureNamed('approvalFiles')).to.deep.equal(['approvals']);
    for (const name of [
      'ClientsPort',
      'ContactsPort',
      'ClientCredentialsPort',
      'HostClientPermissionsPort',
      'HostNewsPort',
      'CommentsPort',
    ]) {
      expect(featureNamed(name), name).to.deep.equal([]);
    }
  });

  it('no file of src/core/ declares a port named after a feature', function () {
    const ports = portsDeclaredIn(filesUnder(path.join(root, 'src/core')));
    expect(
      ports.map((port) => port.name),
      'the reader is not blind',
    ).to.include.members(['WorkspacesPort', 'ClientsPort', 'StaffPort']);
    const named = ports.flatMap((port) => featureNamed(port.name).map((feature) => `${port.file}: ${port.name} names ${feature}`));
    expect(named).to.deep.equal([]);
  });

  it("the core's HostAdapter lists no feature's port: each feature adds its own", function () {
    const members = coreAdapterMembers();
    expect(members, 'the reader is not blind').to.include.members(['workspaces', 'clients', 'contacts', 'staff']);
    expect(members.flatMap((member) => featureNamed(member).map((feature) => `HostAdapter.${member} names ${feature}`))).to.deep.equal([]);
  });

  it("the public API exports each feature's port file, so HostAdapter always has the features' ports", function () {
    const ports = readdirSync(path.join(root, 'src/features'))
      .map((folder) => `src/features/${folder}/port.ts`)
      .filter((file) => existsSync(path.join(root, file)));
    expect(ports.length, 'the features do keep ports').to.be.greaterThan(10);
    const api = readFileSync(path.join(root, 'src/index.ts'), 'utf8');
    const missing = ports.filter((file) => !api.includes(`export type * from './${file.slice('src/'.length)}';`));
    expect(missing).to.deep.equal([]);
    for (const file of ports) {
      expect(readFileSync(path.join(root, file), 'utf8'), file).to.match(
        /declare module '\.\.\/\.\.\/core\/ports\/host\.ts' \{\s*interface HostAdapter \{/,
      );
    }
  });
});

/**
 * Each feature's port file, with the HostAdapter members it adds and every name it exports. Read by
 * its folder, which may be named otherwise than the manifest ('client-notifications').
 */
const featurePorts = readdirSync(path.join(root, 'src/features')).flatMap((feature) => {
  const file = path.join(root, 'src/features', feature, 'port.ts');
  if (!existsSync(file)) return [];
  const code = codeOf(readFileSync(file, 'utf8'));
  const added = /interface HostAdapter \{([\s\S]*?)\n {2}\}/.exec(code)?.[1] ?? '';
  return [
    {
      feature,
      members: [...added.matchAll(/^\s*(\w+)\??:/gm)].map((match) => match[1]!),
      names: [...code.matchAll(/\bexport\s+(?:interface|type|class|enum|const|function)\s+(\w+)/g)].map((match) => match[1]!),
    },
  ];
});

/**
 * The core's code without its imports and re-exports (src/core/index.ts passes on what its
 * modules declare; the declaration is what is counted) and without its comments.
 */
const declaringCodeOf = (text: string) => codeOf(text).replace(/^\s*(?:import|export)\b[^;]*?\bfrom\s+['"][^'"]+['"];?/gm, '');
/** The code with its strings emptied: a key such as 'staff:nav.approvals' reads nothing off the adapter. */
const withoutStrings = (code: string) => code.replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"/g, "''");

/**
 * Words a core name may hold in another sense than the feature's: the HTTP request (RequestMeta,
 * PageRequest) is not a client's service request, a mail message (OutboxMessage) not a
 * conversation's, a PDF document (PdfDocumentModel) not a shared file.
 */
const OTHER_SENSES: ReadonlySet<string> = new Set(['requests', 'messages', 'documents']);

/**
 * Everything of a feature the core names, as '<file>: <what>': a type, interface, class or enum it
 * declares named after a feature (its record kept in the core), a name a feature's port file
 * exports (in code or in a string, as a start-up message names a port), and a HostAdapter member a
 * feature adds, read off the adapter (`adapter.tickets`, `adapter['orders']`) or listed as a port
 * name (`'tickets' | 'orders'`). The policy module is left out: every authorization rule lives
 * there (docs/architecture.md), so it names each section and its actions by design.
 */
function featureNamingsIn(file: string, text: string): string[] {
  const code = declaringCodeOf(text);
  const declared = [...code.matchAll(/\b(?:interface|type|class|enum)\s+([A-Z]\w*)/g)].flatMap((match) =>
    featureNamed(match[1]!)
      .filter((feature) => !OTHER_SENSES.has(feature))
      .map((feature) => `${file}: declares ${match[1]} (names ${feature})`),
  );
  const named = featurePorts.flatMap((port) =>
    port.names.filter((name) => new RegExp(`\\b${name}\\b`).test(code)).map((name) => `${file}: names ${name} (${port.feature}'s port)`),
  );
  const members = featurePorts.flatMap((port) =>
    port.members
      .filter(
        (member) =>
          new RegExp(`\\.${member}\\b`).test(withoutStrings(code)) ||
          new RegExp(`\\[\\s*['"\`]${member}['"\`]\\s*\\]|\\|\\s*['"\`]${member}['"\`]`).test(code),
      )
      .map((member) => `${file}: reads HostAdapter.${member} (${port.feature}'s port)`),
  );
  return [...declared, ...named, ...members];
}

/** What the core still names of a feature, each to be moved to its feature or renamed; the list only shrinks. */
const STILL_TO_MOVE: readonly string[] = [];

/**
 * All that src/core/ports/host.ts may declare, each with why it is the core's: the identity every
 * feature shares (workspaces, clients, contacts, staff, credentials), the words of every port
 * (ids, paging, writes' metadata), and what the core itself reads of the host. A port or record
 * added there beside these fails here: it belongs to its feature (src/features/<name>/port.ts),
 * which adds it to HostAdapter.
 */
const HOST_PORTS_DECLARE: Readonly<Record<string, string>> = {
  HostAdapter: 'what a binding gives the portal; each feature adds its own port to it',
  HostId: 'the id every port takes and gives',
  HostWorkspace: 'the workspace (the tenant) every lookup is scoped by',
  WorkspacesPort: 'finds the workspace of every request',
  HostClient: 'the client company every signed-in person and record belongs to',
  ClientsPort: 'the client companies, for sign-in, staff pages and every section',
  LetterheadParties: "what ClientsPort.letterhead answers (the parties' records are core/ports/commercial-records.ts's)",
  HostContact: 'the person who signs in',
  ContactsPort: 'the people who sign in, their account page and invitations',
  HostStaffUser: 'the agency member signed in to the staff pages',
  StaffPort: 'the staff session every staff page and live stream checks',
  ClientCredentialsPort: "the host's client passwords, checked by the core's sign-in",
  HostClientPermissionsPort:
    "what the host's client roles allow: read by the core's access policy on every signed-in request and by the live streams' sweep, for every section alike; no feature's",
  HostLayoutPort: "the host's page around the core's staff pages (core/staff/admin-page.ts), whichever feature's page it is",
  PageRequest: "paging, every list port's",
  Page: "paging, every list port's",
  HostWrite: "a write's metadata (the transaction, the client's address), every writing port's",
  SUMMARY_COUNT_LIMIT: "how far every feature's count methods count (invoices, projects, tickets, messages), as the dashboard shows it",
  CORE_HOST_CONCEPTS: "the audit's words for what every feature reads from a host (workspaces, companies, contacts, staff, credentials)",
  FeatureHostConcepts: 'where each feature adds its own words (its host-concepts.ts), as its port is added to HostAdapter',
  HostConcept: "the audit's words for what a host keeps, which every claim names",
  HostClaim: 'where a binding says the host keeps a concept, checked at start-up for every port',
  AdapterDescription: 'what a binding tells the audit of itself',
};

/** Each name src/core/ports/host.ts declares (exported or not). */
function hostPortsDeclarations(): string[] {
  const code = codeOf(readFileSync(path.join(root, 'src/core/ports/host.ts'), 'utf8'));
  return [...code.matchAll(/^(?:export\s+)?(?:declare\s+)?(?:interface|type|class|enum|const|let|function)\s+(\w+)/gm)].map(
    (match) => match[1]!,
  );
}

describe('architecture: src/core/ports/host.ts keeps only the shared identity ports', function () {
  it('declares nothing beyond its list, and all of the list (the reader is not blind)', function () {
    const declared = hostPortsDeclarations();
    expect(declared, 'the reader is not blind').to.include.members(['HostAdapter', 'ClientsPort', 'SUMMARY_COUNT_LIMIT']);
    expect(declared.filter((name) => !(name in HOST_PORTS_DECLARE))).to.deep.equal([]);
    expect(
      Object.keys(HOST_PORTS_DECLARE).filter((name) => !declared.includes(name)),
      'gone: strike it from the list',
    ).to.deep.equal([]);
  });
});

describe("architecture: the core names no feature's records or ports", function () {
  const coreFiles = filesUnder(path.join(root, 'src/core')).filter((file) => !relative(file).startsWith('src/core/policies/'));

  it('reads the ports it looks for (the reader is not blind)', function () {
    expect(featurePorts.length).to.be.greaterThan(10);
    expect(featurePorts.flatMap((port) => port.members)).to.include.members(['tickets', 'approvals', 'approvalFiles', 'knowledgeBase']);
    expect(featurePorts.flatMap((port) => port.names)).to.include.members(['TicketsPort', 'InvoiceSummary', 'AppointmentsPort']);
    expect(coreFiles.length).to.be.greaterThan(100);
  });

  it('finds a naming where there is one', function () {
    const lines = [
      'export interface InvoiceSeller { name: string }',
      'const staff = adapter.approvalFiles !== undefined;',
      "type Needed = 'offers' | 'invoices';",
      "const port = port('TicketsPort', ['list']);",
      'export interface RequestMeta { ip: string }',
      '// adapter.tickets in a comment',
      "import type { TicketsPort } from './x.ts';",
    ];
    expect(lines.flatMap((line) => featureNamingsIn('it', line))).to.deep.equal([
      'it: declares InvoiceSeller (names invoices)',
      "it: reads HostAdapter.approvalFiles (approvals's port)",
      "it: reads HostAdapter.invoices (invoices's port)",
      "it: names TicketsPort (tickets's port)",
    ]);
  });

  it("no file of src/core/ names a feature's record type or port, and no folder of it is named after a feature", function () {
    const folders = readdirSync(path.join(root, 'src/core'), { withFileTypes: true }).filter((entry) => entry.isDirectory());
    expect(folders.length, 'the reader is not blind').to.be.greaterThan(10);
    const found = [
      ...coreFiles.flatMap((file) => featureNamingsIn(relative(file), readFileSync(file, 'utf8'))),
      ...folders.flatMap((folder) => featureNamed(folder.name).map((feature) => `src/core/${folder.name}/ names ${feature}`)),
    ];
    expect(
      found.filter((line) => !STILL_TO_MOVE.includes(line)),
      'named anew',
    ).to.deep.equal([]);
    expect(
      STILL_TO_MOVE.filter((line) => !found.includes(line)),
      'moved: strike it from the list',
    ).to.deep.equal([]);
  });
});
