// A Citus cluster on this machine: a coordinator and two workers, each a private PostgreSQL 15
// cluster with citus preloaded (test/faults/support/cluster.ts). The Citus stage runs its tests on
// one (test/citus/run.ts), and bench/citus-scale.ts measures a client's pages on one against a
// single PostgreSQL. Neither builds Citus: it must already be installed in PostgreSQL 15's library
// folder (docs/scaling.md, "Installing Citus for the check").
import { existsSync } from 'node:fs';
import { missingBinaries, startPrivateCluster, type PrivateCluster } from '../faults/support/cluster.ts';

const CITUS_LIBRARY = '/usr/lib/postgresql/15/lib/citus.so';

/** Why no Citus cluster can be started here, or null when one can. */
export function citusMissing(): string | null {
  return (
    missingBinaries() ??
    (existsSync(CITUS_LIBRARY) ? null : `Citus is not installed (no ${CITUS_LIBRARY}; docs/scaling.md says how to build it)`)
  );
}

export interface CitusCluster {
  coordinator: PrivateCluster;
  workers: PrivateCluster[];
  /** Stops every node and removes its folder. */
  destroy(): void;
}

/** Starts the three nodes; `settings` are given to each, beside `shared_preload_libraries`. */
export async function startCitusCluster(settings: Record<string, string> = {}): Promise<CitusCluster> {
  const nodes: PrivateCluster[] = [];
  const destroy = () => {
    for (const node of nodes) node.destroy();
  };
  try {
    for (let i = 0; i < 3; i++) nodes.push(await startPrivateCluster({ settings: { shared_preload_libraries: 'citus', ...settings } }));
  } catch (error) {
    destroy();
    throw error;
  }
  const [coordinator, ...workers] = nodes;
  return { coordinator: coordinator!, workers, destroy };
}
