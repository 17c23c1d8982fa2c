// What a feature tells the start-up checks of the host ports it brings. Its port.ts adds each port
// to HostAdapter and its manifest lists them so: the methods a binding's port must have, and the
// claim a binding with the port must make. Read before the portal is made, so the core checks a
// binding's ports and claims without naming a feature.
import type { HostAdapter, HostConcept } from '../ports/host.ts';

export interface FeatureHostPort {
  /** Its member of HostAdapter ('invoices'). */
  member: keyof HostAdapter;
  /** The port's interface, as the start-up message names it ('InvoicesPort'). */
  port: string;
  /** The methods a binding's port must have, checked before the portal starts; absent, its shape is not checked. */
  methods?: readonly string[];
  /** Every binding has it (the dashboard's summaries); otherwise a binding may leave it out. */
  required?: boolean;
  /**
   * The concept a binding with this port must claim, saying where the host keeps what the port
   * reads (`keeps`: what the start-up message says it keeps, 'it' unless given), so its tables are
   * checked before the first client opens the section. `onlyWithPort`: a claim of the concept
   * without the port is refused too, where the portal keeps its own records of that concept when
   * the host has no port for them (comments), so such a claim would say the host keeps what it
   * does not.
   */
  claim?: { concept: HostConcept; keeps?: string; onlyWithPort?: boolean };
}

/**
 * A staff page as the staff navigation links it. A feature names its own (its manifest's
 * staffPages), so the core's navigation lists only the core's own pages.
 */
export interface StaffPage {
  /** Its path below the admin path, as the staff navigation names it ('/help-feedback'). */
  path: string;
  /** The translation key of its label in the navigation ('knowledge:staffNav', the feature's own). */
  label: string;
  /**
   * Where it stands in the navigation, among the core's own pages (core/staff/admin-page.ts
   * numbers them 10, 20, …) and the other features': a lower number first.
   */
  order: number;
  /**
   * Linked only beside a host with every one of these ports (the page of clients' answers on a
   * host's articles, where the host keeps a knowledge base); absent, always.
   */
  withPorts?: ReadonlyArray<keyof HostAdapter>;
}

/** Those pages the host's adapter has every port for, in the navigation's order. */
export function staffPagesShown(adapter: HostAdapter, pages: readonly StaffPage[]): readonly StaffPage[] {
  return pages.filter((page) => (page.withPorts ?? []).every((member) => adapter[member] !== undefined)).sort((a, b) => a.order - b.order);
}
