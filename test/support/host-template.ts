// A real host's database for a test file, copied from one built once per test process: the host's
// whole schema loaded with psql and its rows seeded take seconds; a copy of the template database
// and of the files the seed wrote takes a fraction of one. Each copy is the file's own: its
// database, its folder of files, and its own copy of what the seed returned.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { copyOfTemplate, type TestDatabase } from './database.ts';

export interface HostCopy<S> {
  database: TestDatabase;
  /** The host's files (Alga's storage root, Dolibarr's documents folder), this file's own. */
  filesRoot: string;
  seed: S;
}

const templateFolders: string[] = [];
process.on('exit', () => {
  for (const folder of templateFolders) rmSync(folder, { recursive: true, force: true });
});

/**
 * A copy of the host database `build` makes under `key`; `build` loads and seeds the database at
 * its url, writing the seed's files under the folder it is given, and returns the seed.
 */
export async function hostFromTemplate<S>(key: string, build: (url: string, filesRoot: string) => Promise<S>): Promise<HostCopy<S>> {
  const { database, made } = await copyOfTemplate(key, async (url) => {
    const folder = mkdtempSync(path.join(tmpdir(), 'host-template-'));
    templateFolders.push(folder);
    return { folder, seed: await build(url, folder) };
  });
  const filesRoot = mkdtempSync(path.join(tmpdir(), 'host-files-'));
  try {
    cpSync(made.folder, filesRoot, { recursive: true });
  } catch (error) {
    rmSync(filesRoot, { recursive: true, force: true });
    await database.drop();
    throw error;
  }
  return { database, filesRoot, seed: structuredClone(made.seed) };
}
