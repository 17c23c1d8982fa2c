// The demo's work shared for approval: a homepage design at version 1 for a workspace's first
// client, drawn here as a small PNG (blocks of the page's layout) so the demo needs no image file.
import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { findApprovalByTitle, insertApproval } from './queries/approvals.ts';
import type { Db } from './queries/db.ts';
import type { Knex } from 'knex';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

type Rgb = readonly [number, number, number];

/** A PNG of `width` × `height` on `background`, with filled rectangles [x, y, w, h, colour]. */
function blocksPng(
  width: number,
  height: number,
  background: Rgb,
  blocks: ReadonlyArray<readonly [number, number, number, number, Rgb]>,
): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x++) {
      const block = [...blocks].reverse().find(([bx, by, bw, bh]) => x >= bx && x < bx + bw && y >= by && y < by + bh);
      const [r, g, b] = block ? block[4] : background;
      raw[row + 1 + x * 3] = r;
      raw[row + 2 + x * 3] = g;
      raw[row + 3 + x * 3] = b;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The homepage design, version 1: a header, a hero, three columns. */
export function homepageDesign(accent: Rgb = [37, 99, 235]): Buffer {
  return blocksPng(
    480,
    320,
    [248, 250, 252],
    [
      [0, 0, 480, 40, [30, 41, 59]],
      [24, 60, 432, 110, accent],
      [24, 190, 132, 100, [226, 232, 240]],
      [174, 190, 132, 100, [226, 232, 240]],
      [324, 190, 132, 100, [226, 232, 240]],
    ],
  );
}

const DEMO_APPROVAL_TITLE = 'Homepage design';

/** Version 1 of the homepage design for this client, unless the workspace already has it. */
export async function seedDemoApproval(trx: Db, args: { workspaceId: number; clientId: number; staffId: number }): Promise<void> {
  if (await findApprovalByTitle(trx, { workspaceId: args.workspaceId, title: DEMO_APPROVAL_TITLE })) return;
  const content = homepageDesign();
  await insertApproval(trx as Knex.Transaction, {
    workspaceId: args.workspaceId,
    clientId: args.clientId,
    title: DEMO_APPROVAL_TITLE,
    file: {
      filename: 'homepage-design-v1.png',
      contentType: 'image/png',
      content,
      sha256: createHash('sha256').update(content).digest('hex'),
      message: 'The first design of the new homepage: header, hero and three columns. Please approve it or tell us what to change.',
      staffId: args.staffId,
    },
  });
}
