// What the SCIM endpoints say of themselves (RFC 7643 §5–7, RFC 7644 §4): the features they
// serve (PATCH yes, bulk, sort, etag and password change no, filter with userName/externalId
// eq only), the User and Group schemas' attributes they keep, and the two resource types. Static, but for
// the base address each location names.
const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const USER_SCHEMA = CORE_USER;
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/** The most people one list answers with (ServiceProviderConfig's filter.maxResults). */
export const MAX_RESULTS = 100;

export function serviceProviderConfig(base: string) {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
    documentationUri: null,
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_RESULTS },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: false },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'Bearer token',
        description: 'The token the agency created for this company on its provisioning page, sent as Authorization: Bearer <token>.',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${base}/ServiceProviderConfig` },
  };
}

const attribute = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  type: 'string',
  multiValued: false,
  required: false,
  caseExact: false,
  mutability: 'readWrite',
  returned: 'default',
  uniqueness: 'none',
  ...extra,
});

export function userSchema(base: string) {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
    id: CORE_USER,
    name: 'User',
    description: 'A person of the client company with access to the portal.',
    attributes: [
      attribute('userName', { required: true, uniqueness: 'server', description: 'The person’s email address: they sign in with it.' }),
      attribute('externalId', { caseExact: true, description: 'The directory’s own id of the person.' }),
      {
        ...attribute('name', { type: 'complex' }),
        subAttributes: [attribute('givenName'), attribute('familyName'), attribute('formatted')],
      },
      attribute('displayName'),
      {
        ...attribute('emails', { type: 'complex', multiValued: true }),
        subAttributes: [attribute('value'), attribute('type'), attribute('primary', { type: 'boolean' })],
      },
      attribute('active', { type: 'boolean', description: 'False: the person is signed out everywhere and cannot sign in.' }),
    ],
    meta: { resourceType: 'Schema', location: `${base}/Schemas/${CORE_USER}` },
  };
}

export function userResourceType(base: string) {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
    id: 'User',
    name: 'User',
    endpoint: '/Users',
    description: 'People of the client company',
    schema: CORE_USER,
    schemaExtensions: [],
    meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/User` },
  };
}

export function groupSchema(base: string) {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
    id: GROUP_SCHEMA,
    name: 'Group',
    description: 'A group of the company’s directory: its members get the client role the agency mapped to its name.',
    attributes: [
      attribute('displayName', { required: true, uniqueness: 'server' }),
      attribute('externalId', { caseExact: true }),
      {
        ...attribute('members', { type: 'complex', multiValued: true }),
        subAttributes: [attribute('value', { mutability: 'immutable' }), attribute('display', { mutability: 'readOnly' })],
      },
    ],
    meta: { resourceType: 'Schema', location: `${base}/Schemas/${GROUP_SCHEMA}` },
  };
}

export function groupResourceType(base: string) {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
    id: 'Group',
    name: 'Group',
    endpoint: '/Groups',
    description: 'Groups of the client company’s directory',
    schema: GROUP_SCHEMA,
    schemaExtensions: [],
    meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/Group` },
  };
}

export function listOf<T>(resources: T[], total: number, startIndex: number) {
  return { schemas: [LIST_SCHEMA], totalResults: total, startIndex, itemsPerPage: resources.length, Resources: resources };
}
