// HostApprovalFilesPort on Dolibarr: each version the agency shares for a client's approval is a
// document of the client's third party, as an upload on the third party's "Documents" tab leaves
// it (societe/document.php → dol_add_file_process → addFileIntoDatabaseIndex): the file under
// <data root>/societe/<socid>/, named "<title> v<n> - <file name>" as Dolibarr cleans an uploaded
// name (upload-names.ts), and its llx_ecm_files row with the staff member who shared it as its
// creator. A name already taken gets the stamp Dolibarr's ticket files get (ticket-uploads.ts
// placeFile); the file is written whole under a temporary name and linked to its own, and removed
// when the transaction does not commit. Each decision is an agenda event on the third party and
// the deciding contact, where the agenda module is on (queries/approval-files.ts).
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Knex } from 'knex';
import type { HostApprovalFilesPort } from '../../src/index.ts';
import { approvalDecisionText, approvalNoteLanguage } from '../shared/approval-note.ts';
import { filesOfATransaction } from '../shared/files-of-a-transaction.ts';
import { parseId } from './ids.ts';
import { companyDirectory, contactOfCompany, findApprovalFile, insertApprovalEvent } from './queries/approval-files.ts';
import { findClientCompany } from './queries/companies.ts';
import { approvalEventSettings, uploadNameRules } from './queries/constants.ts';
import { insertTicketFileIndex } from './queries/ticket-files.ts';
import { contentTypeOf, fileFound } from './shared-files.ts';
import { placeFile } from './ticket-uploads.ts';
import { asPhpReceivesIt, type NameRules, uploadedFileName } from './upload-names.ts';
import { fileStream } from '../shared/file-stream.ts';

/** The title's share of a kept file's name, so the version and the file's own name always fit. */
const TITLE_CHARS = 100;

/**
 * The name a version is kept under: "<title> v<n> - <file name>", as dol_add_file_process would
 * clean it had staff uploaded it so named (Dolibarr's own way of prefixing an upload is the same:
 * the upload form's savingdocmask puts the record's ref before __file__).
 */
export function approvalFileName(title: string, version: number, fileName: string, rules: NameRules = {}): string {
  // The title opens the name: a title that starts with a dot is not a hidden file's name.
  const shortTitle = [...title.trim().replace(/^\.+/, '')].slice(0, TITLE_CHARS).join('').trim() || 'Approval';
  return uploadedFileName(`${shortTitle} v${version} - ${fileName.trim() || 'file'}`, rules);
}

export function dolibarrApprovalFiles(
  db: Knex,
  entityOf: (workspaceId: string) => number | null,
  options: { dataRoot: string },
): HostApprovalFilesPort {
  /** The entity and third party when it is one of the entity's clients; null otherwise. */
  async function companyOf(run: Knex | Knex.Transaction, workspaceId: string, clientId: string) {
    const entity = entityOf(workspaceId);
    const companyId = parseId(clientId);
    if (entity === null || companyId === null) return null;
    return (await findClientCompany(run, { entity, companyId })) ? { entity, companyId } : null;
  }

  async function keep(trx: Knex.Transaction, workspaceId: string, clientId: string, upload: Parameters<HostApprovalFilesPort['keep']>[2]) {
    const company = await companyOf(trx, workspaceId, clientId);
    if (!company) return null;
    const name = approvalFileName(
      upload.title,
      upload.version,
      upload.sentFileName ? asPhpReceivesIt(upload.sentFileName) : upload.fileName,
      await uploadNameRules(trx, { entity: company.entity }),
    );
    const relativeDir = companyDirectory(company.entity, company.companyId);
    const dir = path.join(options.dataRoot, relativeDir);
    const kept = filesOfATransaction(trx);
    await mkdir(dir, { recursive: true });
    const temp = path.join(dir, `.portal-${randomBytes(8).toString('hex')}.part`);
    try {
      await writeFile(temp, upload.content, { flag: 'wx' });
      const filename = await placeFile(trx, {
        entity: company.entity,
        dir,
        relativeDir,
        temp,
        name,
      });
      kept.written(path.join(dir, filename));
      const rowid = await insertTicketFileIndex(trx, {
        entity: company.entity,
        filepath: relativeDir,
        filename,
        // dol_add_file_process indexes the name the file was uploaded with ($TFile['name']).
        originalName: upload.sentFileName ?? upload.fileName,
        contentMd5: createHash('md5').update(upload.content).digest('hex'),
        objectType: 'societe',
        objectId: company.companyId,
        agendaId: null,
        userId: parseId(upload.sharedBy),
      });
      return String(rowid);
    } finally {
      await unlink(temp).catch(() => {});
    }
  }

  return {
    async keep(workspaceId, clientId, upload, write) {
      if (write?.trx) return keep(write.trx, workspaceId, clientId, upload);
      return db.transaction((trx) => keep(trx, workspaceId, clientId, upload));
    },

    async open(workspaceId, clientId, fileRef) {
      const company = await companyOf(db, workspaceId, clientId);
      const rowid = parseId(fileRef);
      if (!company || rowid === null) return null;
      const row = await findApprovalFile(db, { ...company, rowid });
      const found = row ? await fileFound(options.dataRoot, row) : null;
      if (!row || !found) return null;
      return {
        name: row.filename,
        contentType: contentTypeOf(row.filename),
        sizeBytes: found.sizeBytes,
        content: fileStream(found.path),
      };
    },

    async recordDecision(workspaceId, clientId, decision, write) {
      const record = async (trx: Knex | Knex.Transaction) => {
        const company = await companyOf(trx, workspaceId, clientId);
        if (!company) return;
        const settings = await approvalEventSettings(trx, { entity: company.entity });
        if (!settings.agenda) return;
        const contactId = parseId(decision.contactId);
        const text = approvalDecisionText(approvalNoteLanguage(settings.language), decision);
        await insertApprovalEvent(trx, {
          ...company,
          contactId: contactId === null ? null : await contactOfCompany(trx, { ...company, contactId }),
          ownerId: parseId(decision.sharedBy),
          code: decision.outcome === 'approved' ? 'AC_PORTAL_APPROVED' : 'AC_PORTAL_CHANGES_REQUESTED',
          label: text.title,
          note: text.note,
          at: decision.decidedAt,
          ip: write?.ip ?? null,
        });
      };
      if (write?.trx) await record(write.trx);
      else await db.transaction(record);
    },
  };
}
