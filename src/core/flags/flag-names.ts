// The one flag the whole portal sits behind, evaluated per workspace.
export const PORTAL_FLAG = 'customer_portal_enabled';
