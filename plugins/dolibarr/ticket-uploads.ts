// A client's ticket files in Dolibarr's own documents, where its staff see them (the ticket card's
// "Linked files" tab): <data root>/ticket/<ref>/<name>, indexed in llx_ecm_files, as the public
// pages leave a file sent with a new ticket or a message (Ticket::copyFilesForTicket moves it into
// $conf->ticket->dir_output.'/'.$ref, and the move indexes it); and a request's files, in the
// documents of the draft proposal or ticket it became (the proposal's in propale/<ref>/, its
// "Linked files" tab, which Propal::valid renames with the directory when it takes its number). Nothing is half done: each file is
// written under a temporary name and linked to its own name only once whole (never over another
// file), its row goes in the ticket's transaction, and its file is removed when that transaction
// does not commit (the caller's too: the transaction's executionPromise says how it ended).
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { constants, accessSync, createWriteStream } from 'node:fs';
import { link, mkdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Knex } from 'knex';
import type { TicketUpload } from '../../src/index.ts';
import { filesOfATransaction } from '../shared/files-of-a-transaction.ts';
import { uploadNameRules } from './queries/constants.ts';
import { insertTicketFileIndex, ticketFileIndexed } from './queries/ticket-files.ts';
import { asPhpReceivesIt, cutToBytes, dolSanitizeFileName, MAX_NAME_BYTES, RefusedFileName, uploadedFileName } from './upload-names.ts';

/**
 * Whether the portal's process may write Dolibarr's documents: the data root is there and
 * writable. Read once, when the binding is made.
 */
export function dataRootWritable(dataRoot: string | undefined): dataRoot is string {
  if (!dataRoot) return false;
  try {
    accessSync(dataRoot, constants.W_OK | constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** dol_print_date($now, 'dayhourlog'): %Y%m%d%H%M%S, the server's time. */
function dayhourlog(at: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}${two(at.getMonth() + 1)}${two(at.getDate())}${two(at.getHours())}${two(at.getMinutes())}${two(at.getSeconds())}`;
}

/**
 * The names to try for a file: its own, then as copyFilesForTicket renames one whose name is
 * taken ("$pathinfo['filename'].' - '.dol_print_date($now, 'dayhourlog').'.'.$extension"), then
 * with a counter should that be taken too.
 */
function* candidateNames(name: string, at: Date): Generator<string> {
  yield name;
  const ext = path.extname(name);
  const stem = ext ? name.slice(0, -ext.length) : name;
  const stamp = ` - ${dayhourlog(at)}`;
  // A name already as long as a name may be gives up the end of its stem for the stamp.
  const stamped = (counter: string) =>
    `${cutToBytes(stem, MAX_NAME_BYTES - Buffer.byteLength(`${stamp}${counter}${ext}`))}${stamp}${counter}${ext}`;
  yield stamped('');
  for (let n = 2; n < 1000; n++) yield stamped(` (${n})`);
}

export interface TicketFilesWrite {
  dataRoot: string;
  entity: number;
  ticketId: number;
  ref: string;
  /** The message's agenda event, for files sent with a message; null for a new ticket's. */
  agendaId: number | null;
  files: TicketUpload[];
}

/** Writes the files and their rows in `trx`; answers the rows' ids. The files go if `trx` does not commit. */
export async function writeTicketFiles(trx: Knex.Transaction, args: TicketFilesWrite): Promise<number[]> {
  const written = await writeRecordFiles(trx, { ...args, record: { type: 'ticket', id: args.ticketId, ref: args.ref } });
  return written.map((file) => file.rowid);
}

/**
 * The directory of a record's documents under the data root, as each module sets its dir_output:
 * tickets in ticket/, proposals in propale/ (modPropale: DOL_DATA_ROOT.'/propale').
 */
const RECORD_DIRECTORY = { ticket: 'ticket', propal: 'propale' } as const;

export interface RecordFilesWrite {
  dataRoot: string;
  entity: number;
  /** The record the files are documents of: its table_element, rowid and ref (its directory's name). */
  record: { type: 'ticket' | 'propal'; id: number; ref: string };
  /** The message's agenda event, for files sent with a message; null otherwise. */
  agendaId: number | null;
  files: TicketUpload[];
}

/**
 * Writes a client's files into the record's directory (<data root>/<module dir>/<ref>/) and its
 * index rows in `trx`, as a file uploaded on the record's card is kept; answers each row's id and
 * the name it was kept under. The files go if `trx` does not commit.
 */
export async function writeRecordFiles(trx: Knex.Transaction, args: RecordFilesWrite): Promise<Array<{ rowid: number; filename: string }>> {
  if (args.files.length === 0) return [];
  // Every name is settled before a byte is written: a name Dolibarr refuses leaves nothing behind.
  const rules = await uploadNameRules(trx, { entity: args.entity });
  const names = args.files.map((file) => uploadedFileName(file.sentName ? asPhpReceivesIt(file.sentName) : file.name, rules));
  const directory = RECORD_DIRECTORY[args.record.type];
  const refDirectory = dolSanitizeFileName(args.record.ref);
  const relativeDir = `${directory}/${refDirectory}`;
  const dir = path.join(args.dataRoot, directory, refDirectory);
  const kept = filesOfATransaction(trx);
  await mkdir(dir, { recursive: true });
  const written: Array<{ rowid: number; filename: string }> = [];
  for (const [index, file] of args.files.entries()) {
    const temp = path.join(dir, `.portal-${randomBytes(8).toString('hex')}.part`);
    const md5 = createHash('md5');
    // Opened before anything is read: a source that fails at once then leaves no file being created
    // behind the unlink below (the pipeline rejects without waiting for its destination's open).
    const out = createWriteStream(temp, { flags: 'wx' });
    await once(out, 'open');
    try {
      await pipeline(
        await file.open(),
        new Transform({
          transform(chunk: Buffer, _encoding, done) {
            md5.update(chunk);
            done(null, chunk);
          },
        }),
        out,
      );
      const filename = await placeFile(trx, { entity: args.entity, dir, relativeDir, temp, name: names[index]! });
      kept.written(path.join(dir, filename));
      const rowid = await insertTicketFileIndex(trx, {
        entity: args.entity,
        filepath: relativeDir,
        filename,
        originalName: file.sentName ?? file.name,
        contentMd5: md5.digest('hex'),
        objectType: args.record.type,
        objectId: args.record.id,
        agendaId: args.agendaId,
      });
      written.push({ rowid, filename });
    } finally {
      out.destroy();
      await unlink(temp).catch(() => {});
    }
  }
  return written;
}

/**
 * Links the whole temporary file to the first free name (on disk and in the index); answers that
 * name. `name` is uploadedFileName's; the writer still refuses, as dol_move_uploaded_file does, a
 * name that starts with a dot, leaves the directory or is longer than a name may be, whoever
 * calls it.
 */
export async function placeFile(
  trx: Knex.Transaction,
  args: { entity: number; dir: string; relativeDir: string; temp: string; name: string },
): Promise<string> {
  if (args.name.startsWith('.')) throw new RefusedFileName(args.name, 'leading_dot');
  if (/[/\\<>|]|\.\.|^$/.test(args.name) || Buffer.byteLength(args.name) > MAX_NAME_BYTES)
    throw new Error(`dolibarr: refused to keep a file as ${JSON.stringify(args.name)} in ${args.relativeDir}`);
  for (const candidate of candidateNames(args.name, new Date())) {
    if (await ticketFileIndexed(trx, { entity: args.entity, filepath: args.relativeDir, filename: candidate })) continue;
    try {
      // link() never replaces: a file of that name (staff's, or another upload's) stays as it is.
      await link(args.temp, path.join(args.dir, candidate));
      return candidate;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new Error(`dolibarr: no free name for ${args.name} in ${args.relativeDir}`);
}
