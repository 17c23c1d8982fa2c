// What the portal's migrations know about the host: the concepts its adapter claims, so that a
// table for something the host already keeps is not created.
export interface MigrationContext {
  hostProvides: ReadonlySet<string>;
}
