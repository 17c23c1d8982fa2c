// Each feature's host port lives with the feature (src/features/<name>/port.ts) and adds itself to
// HostAdapter there; the core declares only the ports every feature needs (workspaces, clients,
// contacts, staff, …). So no file of src/core/ declares a port named after a feature, the core's
// HostAdapter lists no feature's port, and the public API (src/index.ts) exports every feature's
// port file, so a binding that reads the portal through it sees each port on HostAdapter.
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
