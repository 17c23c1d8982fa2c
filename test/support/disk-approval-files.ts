// A stand-in for a host's document store, for the approvals the portal keeps
// (HostApprovalFilesPort): each version's file is written under a temporary directory, one folder
// per workspace and client, and each decision is kept as the host's "event" in a list the test
// reads. It stands in until the real hosts' implementations (Dolibarr's documents and agenda,
// Alga PSA's documents and interactions) can run these same tests; it is NOT the portal's own
// FileStorage, so the portal's side is tested against files it cannot reach except through the port.
// It keeps the port's promises as a real host must: `keep` and `recordDecision` belong to the
// caller's transaction (a file written for a share that rolls back is removed; an event counts
// only once its transaction committed), and every read is scoped by workspace and client.
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { Knex } from 'knex';
import { parseId } from '../../plugins/reference-crm/ids.ts';
import { findClient } from '../../plugins/reference-crm/queries/clients.ts';
import type { HostAdapter } from '../../src/core/index.ts';
import type { ApprovalDecisionNote, ApprovalFile, HostApprovalFilesPort } from '../../src/features/approvals/port.ts';

type HostId = string;

interface RecordedDecision {
  workspaceId: HostId;
  clientId: HostId;
  decision: ApprovalDecisionNote & { fileRef: string; sharedBy: HostId };
}

export interface DiskApprovalFiles extends HostApprovalFilesPort {
  dir: string;
  /** The decisions written, once their transaction committed. */
  decisions: RecordedDecision[];
  /** The next keep writes its file, then fails: the share must leave neither file nor row. */
  failNextKeep(): void;
  /** Every file kept, as paths below `dir`. */
  files(): string[];
  /** Forgets every file and decision (between tests). */
  clear(): void;
  close(): void;
}

const REF = /^([A-Za-z0-9_-]{1,64})\/([0-9a-f-]{36})$/;

/** Whether the host has this client in this workspace, read in the caller's transaction where there is one. */
type Knows = (workspaceId: HostId, clientId: HostId, trx?: Knex.Transaction) => Promise<boolean>;

/**
 * The reference CRM, as the host that knows the clients. Inside a share's transaction the read
 * goes through it, as a real host's own check does: the demo's embedded engine has one connection,
 * which the transaction holds, so a read beside it would wait for it forever.
 */
export function referenceCrmKnows(adapter: HostAdapter): Knows {
  return async (workspaceId, clientId, trx) => {
    if (!trx) return (await adapter.clients.findById(workspaceId, clientId)) !== null;
    const ws = parseId(workspaceId);
    const id = parseId(clientId);
    return ws !== null && id !== null && (await findClient(trx, { workspaceId: ws, clientId: id })) !== null;
  };
}

export function diskApprovalFiles(knows: Knows): DiskApprovalFiles {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'host-approval-files-'));
  const decisions: RecordedDecision[] = [];
  let failNext = false;
  const folder = (workspaceId: HostId, clientId: HostId) => path.join(dir, encodeURIComponent(workspaceId), encodeURIComponent(clientId));

  return {
    dir,
    decisions,
    failNextKeep() {
      failNext = true;
    },
    files() {
      const found: string[] = [];
      const walk = (at: string) => {
        for (const name of readdirSync(at)) {
          const full = path.join(at, name);
          if (statSync(full).isDirectory()) walk(full);
          else found.push(path.relative(dir, full));
        }
      };
      walk(dir);
      return found.filter((file) => !file.endsWith('.json'));
    },
    clear() {
      for (const name of readdirSync(dir)) rmSync(path.join(dir, name), { recursive: true, force: true });
      decisions.length = 0;
    },
    close() {
      rmSync(dir, { recursive: true, force: true });
    },

    async keep(workspaceId, clientId, upload, write) {
      if (!(await knows(workspaceId, clientId, write?.trx))) return null;
      const id = randomUUID();
      const at = folder(workspaceId, clientId);
      mkdirSync(at, { recursive: true });
      const file = path.join(at, id);
      writeFileSync(file, upload.content);
      writeFileSync(
        `${file}.json`,
        JSON.stringify({
          name: upload.fileName,
          contentType: upload.contentType,
          title: upload.title,
          version: upload.version,
          sharedBy: upload.sharedBy,
        }),
      );
      // A document store outside the database: what the transaction does not keep is removed.
      write?.trx?.executionPromise.catch(() => {
        rmSync(file, { force: true });
        rmSync(`${file}.json`, { force: true });
      });
      if (failNext) {
        failNext = false;
        throw new Error('the host could not keep the file');
      }
      return `${clientId}/${id}`;
    },

    async open(workspaceId, clientId, fileRef) {
      const match = REF.exec(fileRef);
      if (!match || match[1] !== clientId) return null;
      const file = path.join(folder(workspaceId, clientId), match[2]!);
      let content: Buffer;
      let meta: { name: string; contentType: string };
      try {
        content = readFileSync(file);
        meta = JSON.parse(readFileSync(`${file}.json`, 'utf8')) as { name: string; contentType: string };
      } catch {
        return null;
      }
      const opened: ApprovalFile = {
        name: meta.name,
        contentType: meta.contentType,
        sizeBytes: content.length,
        content: Readable.from([content]),
      };
      return opened;
    },

    async recordDecision(workspaceId, clientId, decision, write) {
      const recorded = { workspaceId, clientId, decision };
      if (write?.trx)
        write.trx.executionPromise.then(
          () => decisions.push(recorded),
          () => {},
        );
      else decisions.push(recorded);
    },
  };
}
