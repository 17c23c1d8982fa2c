// E. Frontend pages the issue names. Only probing can answer these: without --app-url they are
// "not checked", never guessed. A host path that answers where the plugin mounts is a collision.
import type { Answer, Status } from '../report-schema.ts';
import { PROBE_TOKEN } from '../routes/probe-routes.ts';
import { answer, decisionFor, probeOf, routeEvidence, served, type AnswerContext } from './answer-context.ts';

const PAGES: Array<{ id: string; path: string; probePath: string; add: string; keep: string }> = [
  {
    id: 'E1',
    path: '/client',
    probePath: '/client',
    add: 'the client portal is served under /portal/:workspaceSlug (the host keeps /client free)',
    keep: "keep the host's /client page; the portal lives under /portal/:workspaceSlug and does not touch it",
  },
  {
    id: 'E2',
    path: '/portal',
    probePath: '/portal',
    add: 'add the client portal under /portal/:workspaceSlug',
    keep: "keep the host's /portal page, but the plugin mounts /portal/:workspaceSlug: check that no host route matches /portal/<slug>, or mount the portal elsewhere",
  },
  {
    id: 'E3',
    path: '/public/proposal/xxx',
    probePath: '/public/proposal',
    add: "add a public proposal page served by the portal's public-links router",
    keep: "keep the host's public proposal page; the portal does not serve a second one",
  },
  {
    id: 'E4',
    path: '/public/invoice/xxx',
    probePath: '/public/invoice',
    add: "add a public invoice page served by the portal's public-links router",
    keep: "keep the host's public invoice page; the portal does not serve a second one",
  },
];

export function frontendAnswers(context: AnswerContext): Answer[] {
  return PAGES.map((page) => {
    const question = `Does the host serve ${page.path}?`;
    if (!context.routes) {
      return answer(
        page.id,
        question,
        'not_checked',
        [{ kind: 'absence', ref: page.path, detail: 'routes not probed: run with --app-url to check' }],
        {
          kind: 'add',
          text: `${page.add}; rerun with --app-url to confirm the host has no page there`,
        },
        [],
      );
    }
    const probe = probeOf(context, page.probePath);
    const status: Status = served(context, page.probePath) ? 'exists' : 'missing';
    const evidence = probe ? [routeEvidence(probe)] : [];
    if (status === 'missing' && page.probePath.startsWith('/public/')) {
      evidence.push({
        kind: 'absence',
        ref: `${page.probePath}/${PROBE_TOKEN}`,
        detail: 'probed with a made-up token; a 404 may also hide an existing page',
      });
    }
    return answer(page.id, question, status, evidence, decisionFor(status, { keep: page.keep, complete: page.keep, add: page.add }), []);
  });
}
