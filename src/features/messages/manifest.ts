// The files of messages beside its code (messages between clients and the agency, and comments on records).
// Read before any portal exists (src/core/feature.ts), so it imports no more than they need.
import { fileURLToPath } from 'node:url';
import type { FeatureManifest } from '../../core/index.ts';
import { clientComments } from './migrations/20261122000002_client_comments.ts';
import * as commentKinds from './migrations/20270703000001_comment_kinds.ts';

export const messagesManifest: FeatureManifest = {
  name: 'messages',
  views: fileURLToPath(new URL('./views', import.meta.url)),
  locales: fileURLToPath(new URL('./locales', import.meta.url)),
  migrations: {
    '20261122000002_client_comments': clientComments,
    '20270703000001_comment_kinds': commentKinds,
  },
  hostPorts: [
    {
      member: 'comments',
      port: 'CommentsPort',
      methods: ['list', 'add'],
      claim: { concept: 'comment', keeps: 'comments', onlyWithPort: true },
    },
  ],
};
