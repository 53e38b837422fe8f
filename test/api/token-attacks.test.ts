import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { startTestApp, TestApp, TEST_JWT_SECRET } from '../support/test-app';
import { connectLive } from '../support/live';
import { tablesChecksum } from '../support/hostile';

/**
 * Forged, stale and misplaced tokens (docs/reliability.md): every one is refused with UNAUTHENTICATED (401 over HTTP,
 * 4403 over graphql-ws), and an editor's token reaches no admin mutation however the operation is dressed up.
 */
describe('token attacks', () => {
  let app: TestApp;
  let editor: string;
  const key = new TextEncoder().encode(TEST_JWT_SECRET);
  const now = () => Math.floor(Date.now() / 1000);
  const claims = { role: 'ADMIN', name: 'Mallory' };
  const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const adminTables = async () => {
    const sums = await tablesChecksum(app);
    return { person: sums.person, category: sums.category, region: sums.region };
  };

  beforeAll(async () => {
    app = await startTestApp();
    editor = await app.token('EDITOR');
  });
  afterAll(() => app.stop());

  const signed = (change: (jwt: SignJWT) => SignJWT, secret: Uint8Array = key, payload: object = claims) =>
    change(new SignJWT({ ...payload }).setProtectedHeader({ alg: 'HS256' }).setIssuer('khabar').setSubject('mallory').setIssuedAt())
      .sign(secret);

  const forged: [string, () => Promise<string>][] = [
    ['alg "none", unsigned', async () => `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ ...claims, iss: 'khabar', exp: now() + 3600 })}.`],
    ['alg "none" with the signature of a real token', async () => {
      const real = await app.token('ADMIN');
      const [, payload, signature] = real.split('.');
      return `${base64url({ alg: 'none' })}.${payload}.${signature}`;
    }],
    ['HS256 signed with another key', () => signed((jwt) => jwt.setExpirationTime('1h'), new TextEncoder().encode('another-secret-that-is-long-enough-for-hs256'))],
    ['RS256 signed with an attacker\'s RSA key', async () => {
      const { privateKey } = await generateKeyPair('RS256');
      return new SignJWT(claims).setProtectedHeader({ alg: 'RS256' }).setIssuer('khabar').setExpirationTime('1h').sign(privateKey);
    }],
    ['HS256 keyed with an RSA public key (the RS256/HS256 confusion)', async () => {
      const { publicKey } = await generateKeyPair('RS256');
      return signed((jwt) => jwt.setExpirationTime('1h'), new TextEncoder().encode(await exportSPKI(publicKey)));
    }],
    ['a real signature over a payload changed afterwards', async () => {
      const real = await app.token('EDITOR');
      const [header, , signature] = real.split('.');
      return `${header}.${base64url({ ...claims, iss: 'khabar', exp: now() + 3600 })}.${signature}`;
    }],
    ['expired', () => signed((jwt) => jwt.setExpirationTime(now() - 10))],
    ['not valid yet (nbf in an hour)', () => signed((jwt) => jwt.setNotBefore(now() + 3600).setExpirationTime('2h'))],
    ['from another issuer', () => signed((jwt) => jwt.setIssuer('someone-else').setExpirationTime('1h'))],
    ['without an issuer', async () => new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(key)],
    ['without an expiry (it would never end)', () => signed((jwt) => jwt)],
    ['with a role that does not exist', () => signed((jwt) => jwt.setExpirationTime('1h'), key, { role: 'SUPERUSER', name: 'x' })],
    ['with roles as a list', () => signed((jwt) => jwt.setExpirationTime('1h'), key, { role: ['ADMIN'], name: 'x' })],
    ['not a JWT at all', async () => 'not.a.token'],
  ];

  it.each(forged)('a token %s is refused with 401 UNAUTHENTICATED, whatever the operation', async (_name, make) => {
    const token = await make();
    const before = await adminTables();
    for (const query of ['{ __typename }', 'mutation { issueToken(role: ADMIN, name: "Mallory", expiresInHours: 720) }']) {
      const res = await app.gql(query, undefined, { token });
      expect({ status: res.status, data: res.data, codes: res.errors?.map((e) => e.extensions?.code) })
        .toEqual({ status: 401, data: undefined, codes: ['UNAUTHENTICATED'] });
    }
    const live = connectLive(app, { token });
    expect((await live.closed()).code).toBe(4403);
    await live.dispose();
    expect(await adminTables()).toEqual(before);
  });

  it('a valid token in the query string is not read: the mutation is UNAUTHENTICATED, over HTTP and WebSocket alike', async () => {
    const admin = await app.token('ADMIN');
    for (const name of ['access_token', 'token', 'authorization', 'jwt']) {
      const url = `${app.url}?${name}=${encodeURIComponent(name === 'authorization' ? `Bearer ${admin}` : admin)}`;
      const res = await fetch(url, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'mutation { upsertCategory(input: { slug: "stolen", nameAr: "مسروق", nameFr: "Volé" }) { id } }' }),
      });
      const body = (await res.json()) as any;
      expect(body.errors.map((e: any) => e.extensions.code)).toEqual(['UNAUTHENTICATED']);
    }
    expect(await app.sql(`SELECT slug FROM category WHERE slug = 'stolen'`)).toEqual([]);
  });

  describe('an editor reaching for admin mutations', () => {
    const CATEGORY = 'upsertCategory(input: { slug: "seized", nameAr: "قسم", nameFr: "Rubrique" }) { id }';
    const PERSON = 'upsertPerson(input: { nameAr: "شخص" }) { id }';
    const REGION = 'upsertRegion(input: { code: "MA-ZZZ", level: PROVINCE, parentCode: "MA-04", nameAr: "إقليم", nameFr: "Province" }) { code }';
    const TOKEN = 'issueToken(role: ADMIN, name: "Mallory", expiresInHours: 720)';

    // Root mutations run one after the other, and their results are non-null: the first FORBIDDEN ends the operation.
    it.each([
      ['under aliases', `mutation { a: ${CATEGORY} b: ${PERSON} c: ${REGION} d: ${TOKEN} }`],
      ['in a named fragment', `mutation { ...Seize } fragment Seize on Mutation { ${TOKEN} ${CATEGORY} }`],
      ['in an inline fragment, under @include', `mutation { ... on Mutation @include(if: true) { ${REGION} } }`],
      ['in nested fragments', `mutation { ...A } fragment A on Mutation { ...B } fragment B on Mutation { x: ${PERSON} }`],
    ])('%s: FORBIDDEN, nothing changed', async (_name, query) => {
      const before = await adminTables();
      const res = await app.gql(query, undefined, { token: editor });
      expect({ data: res.data, codes: res.errors?.map((e) => e.extensions?.code) }).toEqual({ data: undefined, codes: ['FORBIDDEN'] });
      expect(await adminTables()).toEqual(before);
    });

    it('in a batch beside an editor mutation: the editor\'s runs, the admin\'s is FORBIDDEN', async () => {
      const before = await adminTables();
      const res = await fetch(app.url, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${editor}` },
        body: JSON.stringify([
          { query: 'mutation { pushBreakingNews(input: { headline: "عاجل من الرباط", urgency: 3 }) { id } }' },
          { query: `mutation { ${CATEGORY} }` },
          { query: `mutation { x: ${TOKEN} }` },
        ]),
      });
      const [pushed, category, token] = (await res.json()) as any[];
      expect(pushed.errors).toBeUndefined();
      expect([category.errors.map((e: any) => e.extensions.code), token.errors.map((e: any) => e.extensions.code)]).toEqual([['FORBIDDEN'], ['FORBIDDEN']]);
      expect(await adminTables()).toEqual(before);
      await app.sql('DELETE FROM ticker');
    });

    it('over graphql-ws: FORBIDDEN, the connection stays', async () => {
      const before = await adminTables();
      const live = connectLive(app, { token: editor });
      const result = await new Promise<any>((resolve) => {
        let last: any;
        live.client.subscribe({ query: `mutation { a: ${CATEGORY} ...F } fragment F on Mutation { ${TOKEN} }` }, {
          next: (value) => (last = value), error: resolve, complete: () => resolve(last),
        });
      });
      expect({ data: result.data, codes: result.errors.map((e: any) => e.extensions.code) }).toEqual({ data: null, codes: ['FORBIDDEN'] });
      expect(live.closes).toEqual([]);
      await live.dispose();
      expect(await adminTables()).toEqual(before);
    });
  });
});
