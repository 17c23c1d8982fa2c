// A real SAML identity provider for the tests, run in the test process: samlify's
// IdentityProvider with its own key pair and certificate. It reads the portal's AuthnRequest
// (HTTP-Redirect) and answers with a response it builds and signs itself (xml-crypto, inside
// samlify), and encrypts the assertion to the portal's certificate when asked. What a test
// changes (audience, recipient, time window, issuer) goes into samlify's own template before it
// signs, so the signature covers it as a real provider's would. One answer is deliberately built
// without samlify's signing step: the unsigned response a forger would post. Like a real provider,
// it posts to a consumer service the portal's metadata lists: the one an AuthnRequest asked for,
// else the metadata's default; asked for one the metadata does not list, it answers nothing.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import * as samlifyModule from 'samlify';
import { selfSignedCertificate } from '../self-signed.ts';

// samlify is CommonJS: loaded as ES module, some of its exports sit on the default export only.
const samlify = (samlifyModule as unknown as { default?: typeof samlifyModule }).default ?? samlifyModule;

// The schema check of the portal's AuthnRequest is samlify's option, not what these tests are about.
samlify.setSchemaValidator({ validate: async () => 'skipped' });

const REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
const POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';
const EMAIL_FORMAT = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';

export interface Answer {
  email: string;
  nameId?: string;
  /** The AuthnRequest's id; none for an IdP-initiated answer. */
  inResponseTo?: string;
  /** The consumer service posted to (the AuthnRequest's AssertionConsumerServiceURL); else the metadata's default. */
  acsUrl?: string;
  audience?: string;
  recipient?: string;
  destination?: string;
  /** Minutes from now the assertion ends (negative: already over). */
  endsInMinutes?: number;
  issuer?: string;
  encrypt?: boolean;
  /** Only the response is signed, not the assertion. */
  responseSignedOnly?: boolean;
  /** Built without any signature. */
  unsigned?: boolean;
}

export interface TestSamlIdp {
  entityId: string;
  ssoUrl: string;
  certificate: string;
  metadata: string;
  /** The id of the AuthnRequest at this address (the portal's HTTP-Redirect), after samlify parsed it. */
  readRequest(url: string): Promise<string>;
  /** The same request's id and the consumer service it asks the answer to be posted to. */
  readAuthnRequest(url: string): Promise<{ id: string; acsUrl: string | null }>;
  /** A base64 SAMLResponse for the portal's service provider. */
  answer(spMetadata: string, answer: Answer): Promise<string>;
  /** Where the answer goes: the consumer service asked for, which the metadata must list, else its default. */
  consumerService(spMetadata: string, asked?: string): string;
}

interface AcsEntry {
  binding: string;
  location: string;
  isDefault?: string;
}

export function keyPairWithCertificate(name: string) {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    certificate: selfSignedCertificate(privateKey, name),
  };
}

export function startSamlIdp(options: { entityId: string; key?: { privateKey: string; certificate: string } }): TestSamlIdp {
  const key = options.key ?? keyPairWithCertificate(options.entityId);
  const ssoUrl = `https://idp.test/${encodeURIComponent(options.entityId)}/sso`;
  const settings = {
    entityID: options.entityId,
    privateKey: key.privateKey,
    signingCert: key.certificate,
    nameIDFormat: [EMAIL_FORMAT],
    singleSignOnService: [{ Binding: REDIRECT, Location: ssoUrl }],
    singleLogoutService: [{ Binding: REDIRECT, Location: `${ssoUrl}/logout` }],
    wantAuthnRequestsSigned: false,
  };
  const idp = samlify.IdentityProvider(settings);
  const encryptingIdp = samlify.IdentityProvider({ ...settings, isAssertionEncrypted: true });
  const serviceProvider = (metadata: string, answer: Answer) =>
    samlify.ServiceProvider({
      metadata: answer.responseSignedOnly ? metadata.replace('WantAssertionsSigned="true"', 'WantAssertionsSigned="false"') : metadata,
      ...(answer.responseSignedOnly ? { wantMessageSigned: true } : {}),
    });

  /** The metadata's HTTP-POST consumer services, as samlify read them. */
  const consumerServices = (sp: samlifyModule.ServiceProviderInstance) => {
    // Without a binding samlify gives every entry (its types say a binding is always passed).
    const all = sp.entityMeta.getAssertionConsumerService as unknown as (this: unknown) => AcsEntry | AcsEntry[];
    const listed = all.call(sp.entityMeta);
    return (Array.isArray(listed) ? listed : [listed]).filter((entry) => entry.binding === POST);
  };
  const consumerServiceOf = (sp: samlifyModule.ServiceProviderInstance, asked: string | undefined) => {
    const listed = consumerServices(sp);
    if (asked) {
      if (!listed.some((entry) => entry.location === asked)) throw new Error(`${asked} is not a consumer service of the metadata`);
      return asked;
    }
    return (listed.find((entry) => entry.isDefault === 'true') ?? listed[0])!.location;
  };

  const values = (sp: samlifyModule.ServiceProviderInstance, answer: Answer) => {
    const now = new Date();
    const ends = new Date(now.getTime() + (answer.endsInMinutes ?? 5) * 60_000).toISOString();
    const starts = answer.endsInMinutes !== undefined && answer.endsInMinutes < 0 ? new Date(now.getTime() - 30 * 60_000) : now;
    const acs = consumerServiceOf(sp, answer.acsUrl);
    return {
      ID: `_${randomBytes(16).toString('hex')}`,
      AssertionID: `_${randomBytes(16).toString('hex')}`,
      Destination: answer.destination ?? acs,
      Audience: answer.audience ?? sp.entityMeta.getEntityID(),
      SubjectRecipient: answer.recipient ?? acs,
      Issuer: answer.issuer ?? options.entityId,
      IssueInstant: starts.toISOString(),
      StatusCode: 'urn:oasis:names:tc:SAML:2.0:status:Success',
      ConditionsNotBefore: starts.toISOString(),
      ConditionsNotOnOrAfter: ends,
      SubjectConfirmationDataNotOnOrAfter: ends,
      NameIDFormat: EMAIL_FORMAT,
      NameID: answer.nameId ?? answer.email,
      InResponseTo: answer.inResponseTo ?? '',
      AuthnStatement: `<saml:AuthnStatement AuthnInstant="${starts.toISOString()}" SessionIndex="_s${randomBytes(4).toString('hex')}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>`,
      AttributeStatement: `<saml:AttributeStatement><saml:Attribute Name="email" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic"><saml:AttributeValue xsi:type="xs:string">${answer.email}</saml:AttributeValue></saml:Attribute></saml:AttributeStatement>`,
    };
  };

  /** samlify's template with these values; an IdP-initiated answer has no InResponseTo at all. */
  const render = (template: string, tvalue: Record<string, string>) => {
    const filled = samlify.SamlLib.replaceTagsByValue(template, tvalue);
    return tvalue.InResponseTo ? filled : filled.replace(/ InResponseTo=""/g, '');
  };

  return {
    entityId: options.entityId,
    ssoUrl,
    certificate: key.certificate,
    metadata: idp.getMetadata(),

    async readRequest(url: string) {
      return (await this.readAuthnRequest(url)).id;
    },

    async readAuthnRequest(url: string) {
      const query = Object.fromEntries(new URL(url).searchParams);
      const sp = samlify.ServiceProvider({ entityID: 'unused', authnRequestsSigned: false });
      const parsed = await idp.parseLoginRequest(sp, 'redirect', { query, octetString: '' } as never);
      const request = (parsed.extract as { request: { id: string; assertionConsumerServiceUrl?: string } }).request;
      return { id: request.id, acsUrl: request.assertionConsumerServiceUrl ?? null };
    },

    consumerService: (spMetadata: string, asked?: string) => consumerServiceOf(samlify.ServiceProvider({ metadata: spMetadata }), asked),

    async answer(spMetadata: string, answer: Answer) {
      const sp = serviceProvider(spMetadata, answer);
      const tvalue = values(sp, answer);
      if (answer.unsigned) {
        const template = samlify.SamlLib.defaultLoginResponseTemplate.context;
        return Buffer.from(render(template, tvalue)).toString('base64');
      }
      const issuer = answer.encrypt ? encryptingIdp : idp;
      const { context } = await issuer.createLoginResponse(
        sp,
        {} as never,
        'post',
        { email: answer.email },
        {
          customTagReplacement: (template: string) => ({ id: tvalue.ID, context: render(template, tvalue) }),
        },
      );
      return context;
    },
  };
}
