// The installed portal's pages: the web app manifest, its icons, the service worker and the
// offline page, which anyone may fetch (a phone installs from the sign-in page); and a signed-in
// person's push subscriptions, one per device, made and removed by the page's script.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import {
  badRequest,
  type Branding,
  hashSessionId,
  HTMX_SCRIPT_PATH,
  HttpError,
  notFound,
  type PortalConfig,
  type PortalLogger,
  portalContext,
  portalI18n,
  renderTemplate,
  signedInClient,
} from '../../core/index.ts';
import { APP_ICONS, type AppIconName, isAppIconName, monogramIcon } from './app-icons.ts';
import type { SubscribeInput, UnsubscribeInput } from './commands.ts';
import { deviceLabel, endpointAllowed, endpointHash } from './endpoints.ts';
import { deleteSubscription, keepNewestSubscriptions } from './queries.ts';
import { placeSubscription } from './subscriptions.ts';
import { webAppManifest } from './web-manifest.ts';

const WORKER_SOURCE = readFileSync(new URL('./service-worker.js', import.meta.url), 'utf8');
/** Icons drawn, by size, initials and colours: a few bytes of key each, and the same for every visitor. */
const ICONS = new Map<string, Buffer>();
const ICONS_KEPT = 200;
/**
 * Devices one person may have push on in: more than anyone uses, few enough that a script posting
 * made-up endpoints cannot have each notification fan out into thousands of requests.
 */
const DEVICES_PER_PERSON = 20;

/** What the icons are drawn from: a change of it gives them a new address, so a browser fetches them again. */
function iconVersion(branding: Branding): string {
  return createHash('sha256').update(`${branding.initials}|${branding.primary}|${branding.onPrimary}`).digest('hex').slice(0, 12);
}

function iconFor(name: AppIconName, branding: Branding): Buffer {
  const key = `${name}|${branding.initials}|${branding.primary}|${branding.onPrimary}`;
  let icon = ICONS.get(key);
  if (!icon) {
    icon = monogramIcon(name, { initials: branding.initials, background: branding.primary, foreground: branding.onPrimary });
    if (ICONS.size >= ICONS_KEPT) ICONS.delete(ICONS.keys().next().value!);
    ICONS.set(key, icon);
  }
  return icon;
}

export function createAppPushHandlers(deps: { db: Knex; config: Pick<PortalConfig, 'webPush' | 'portalPath'>; logger: PortalLogger }) {
  const { db } = deps;
  const shellOf = (base: string, assets: string, branding: Branding) => [
    `${assets}/portal.css`,
    `${assets}/portal.js`,
    `${deps.config.portalPath}${HTMX_SCRIPT_PATH}`,
    `${assets}/favicon.svg`,
    `${base}/branding.css`,
    ...Object.keys(APP_ICONS).map((name) => `${base}/app-icons/${name}.png?v=${iconVersion(branding)}`),
  ];

  return {
    manifest: (_req: Request, res: Response) => {
      const { base, branding } = portalContext(res);
      const i18n = portalI18n(res);
      const name = branding.title ?? i18n.t('common:portalTitle', { workspace: branding.workspaceName });
      res
        .type('application/manifest+json')
        .set('Cache-Control', 'no-cache')
        .send(JSON.stringify(webAppManifest({ base, branding, name, lang: i18n.locale, iconVersion: iconVersion(branding) })));
    },

    icon: (req: Request, res: Response, next: (err?: unknown) => void) => {
      const name = String(req.params.name);
      if (!isAppIconName(name)) return next(notFound());
      // An address with the version changes with the branding, so it may be kept; the page's
      // apple-touch-icon link has none (the shared layout does not know it), so it is asked again.
      res
        .type('image/png')
        .set('Cache-Control', req.query.v ? 'public, max-age=86400' : 'no-cache')
        .send(iconFor(name, portalContext(res).branding));
    },

    serviceWorker: (_req: Request, res: Response) => {
      const { base, assets, branding } = portalContext(res);
      const shell = shellOf(base, assets, branding);
      const offline = `${base}/offline`;
      const prefix = `portal-shell:${base}:`;
      const version = createHash('sha256')
        .update(JSON.stringify([shell, WORKER_SOURCE]))
        .digest('hex')
        .slice(0, 12);
      const constants = [
        `const SHELL = ${JSON.stringify(shell)};`,
        `const OFFLINE = ${JSON.stringify(offline)};`,
        `const PREFIX = ${JSON.stringify(prefix)};`,
        `const CACHE = ${JSON.stringify(prefix + version)};`,
      ].join('\n');
      // no-cache: the browser checks for a new worker on every visit, as the specification advises.
      res.type('text/javascript').set('Cache-Control', 'no-cache').send(`${constants}\n${WORKER_SOURCE}`);
    },

    /**
     * The page shown when the network is gone. The worker keeps it, so it says nothing about who is
     * signed in (no name, no form, no token): the same for every visitor of the workspace.
     */
    offline: (_req: Request, res: Response) => {
      const { base, assets, branding } = portalContext(res);
      const i18n = portalI18n(res);
      res.type('html').send(
        renderTemplate('app-push/offline', {
          locale: i18n.locale,
          t: i18n.t,
          base,
          assets,
          title: branding.title ?? i18n.t('common:portalTitle', { workspace: branding.workspaceName }),
        }),
      );
    },

    subscribe: async (req: Request, res: Response) => {
      const { workspace } = portalContext(res);
      const { user } = signedInClient(res);
      const { t } = portalI18n(res);
      const input = req.body as SubscribeInput;
      if (!endpointAllowed(deps.config.webPush, input.endpoint)) throw badRequest(t('appPush:unknownService'));
      // Who may hold an address, and what happens to the person who held it: subscriptions.ts.
      const outcome = await placeSubscription(db, {
        workspaceId: workspace.id,
        clientUserId: user.id,
        endpointHash: endpointHash(input.endpoint),
        endpoint: input.endpoint,
        p256dh: input.p256dh,
        auth: input.auth,
        deviceLabel: deviceLabel(req.get('User-Agent')),
        sessionHash: hashSessionId(req.sessionID),
      });
      if ('refused' in outcome) throw new HttpError(409, t('appPush:heldByAnother'));
      if (outcome.saved === 'moved')
        deps.logger.info(
          `push: a browser's subscription in workspace ${workspace.id} moved from client user ${outcome.previousClientUserId} to ${user.id}, who turned push on in it; the previous person's device was removed`,
        );
      await keepNewestSubscriptions(db, workspace.id, user.id, DEVICES_PER_PERSON);
      res.status(204).end();
    },

    unsubscribe: async (req: Request, res: Response) => {
      const { workspace } = portalContext(res);
      const input = req.body as UnsubscribeInput;
      await deleteSubscription(db, workspace.id, signedInClient(res).user.id, endpointHash(input.endpoint));
      res.status(204).end();
    },
  };
}

export type AppPushHandlers = ReturnType<typeof createAppPushHandlers>;
