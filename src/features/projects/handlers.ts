// The projects pages: the client's projects by state with a search, and one project with its
// progress, phases, tasks and shared documents, all read through the host's ProjectsPort. A
// project of another company, or one the host no longer shows this person, is a 404.
import type { Request, Response } from 'express';
import {
  canSeeSection,
  type HostAdapter,
  notFound,
  parseParam,
  portalContext,
  portalI18n,
  renderPortalPage,
  signedInClient,
  presentSearch,
} from '../../core/index.ts';
import type { ProjectsPort } from './port.ts';
import { PROJECT_TABS, ProjectId, type ProjectsQueryInput } from './commands.ts';
import { presentProject, presentProjectDocument, presentProjectRow } from './presenters.ts';

const PROJECTS_PAGE_SIZE = 20;
/** A project page lists its newest shared documents; the Documents page has them all. */
const PROJECT_DOCUMENTS_SHOWN = 20;

export interface ProjectsDeps {
  adapter: HostAdapter & { projects: ProjectsPort };
}

export function createProjectsHandlers(deps: ProjectsDeps) {
  const { adapter } = deps;

  async function list(req: Request, res: Response) {
    const query = res.locals.query as ProjectsQueryInput;
    const { workspace, base } = portalContext(res);
    const { user } = signedInClient(res);
    const i18n = portalI18n(res);
    const page = await adapter.projects.list(
      workspace.id,
      user.client_id,
      user.contact_id,
      { state: query.tab, ...(query.q ? { search: query.q } : {}) },
      { limit: PROJECTS_PAGE_SIZE, after: query.after ?? null },
    );
    // Tabs and pages keep the search; the search keeps the tab.
    const href = (params: Record<string, string | undefined>) => {
      const search = new URLSearchParams(Object.entries(params).filter((entry): entry is [string, string] => Boolean(entry[1])));
      return `${base}/projects?${search}`;
    };
    renderPortalPage(req, res, 'projects/index', i18n.t('projects:title'), {
      tab: query.tab,
      q: query.q ?? '',
      projects: page.items.map((project) => presentProjectRow(i18n, base, project)),
      nextUrl: page.next ? href({ tab: query.tab, q: query.q, after: page.next }) : null,
      firstPageUrl: query.after ? href({ tab: query.tab, q: query.q }) : null,
      clearSearchUrl: query.q ? href({ tab: query.tab }) : null,
      search: presentSearch(query.q, page, href({ tab: query.tab })),
      tabs: PROJECT_TABS.map((tab) => ({
        tab,
        label: i18n.t(`projects:tabs.${tab}`),
        href: href({ tab, q: query.q }),
        current: tab === query.tab,
      })),
    });
  }

  async function show(req: Request, res: Response) {
    const { workspace, base, settings } = portalContext(res);
    const { user } = signedInClient(res);
    const i18n = portalI18n(res);
    const id = parseParam(ProjectId, req.params.projectId);
    const project = await adapter.projects.find(workspace.id, user.client_id, user.contact_id, id);
    if (!project) throw notFound('We could not find that project.');
    // The project's shared documents, to whom may see documents at all.
    const documents =
      adapter.documents && canSeeSection(settings, 'documents')
        ? await adapter.documents.list(
            workspace.id,
            user.client_id,
            { record: { type: 'project', id: project.id } },
            { limit: PROJECT_DOCUMENTS_SHOWN },
          )
        : null;
    const view = presentProject(i18n, base, project);
    renderPortalPage(req, res, 'projects/show', project.title, {
      project: view,
      documents: documents ? documents.items.map((doc) => presentProjectDocument(i18n, base, doc)) : null,
      moreDocumentsUrl: documents?.next ? `${base}/documents?${new URLSearchParams({ record: `project:${project.id}` })}` : null,
    });
  }

  return { list, show };
}

export type ProjectsHandlers = ReturnType<typeof createProjectsHandlers>;
