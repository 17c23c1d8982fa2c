// The demo's work shared for approval: a homepage design at version 1 for a workspace's first
// client, drawn here as a small PNG (blocks of the page's layout) so the demo needs no image file.
import { createHash } from 'node:crypto';
import { encodeRgbPng, type Rgb } from '../../src/index.ts';
import { findApprovalByTitle, insertApproval } from './queries/approvals.ts';
import type { Db } from './queries/db.ts';
import type { Knex } from 'knex';

/** A PNG of `width` × `height` on `background`, with filled rectangles [x, y, w, h, colour]; a later one covers an earlier. */
function blocksPng(
  width: number,
  height: number,
  background: Rgb,
  blocks: ReadonlyArray<readonly [number, number, number, number, Rgb]>,
): Buffer {
  const topFirst = [...blocks].reverse();
  return encodeRgbPng(width, height, (x, y) => {
    const block = topFirst.find(([bx, by, bw, bh]) => x >= bx && x < bx + bw && y >= by && y < by + bh);
    return block ? block[4] : background;
  });
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
