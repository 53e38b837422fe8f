import { serverAudits, type AuditFail } from 'graphql-http';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * The audits Khabar fails on purpose, as docs/http-and-caching.md lists them ("GraphQL-over-HTTP audits"), each with
 * the answer it gives instead: a GET that names no persisted query and carries no preflight header is refused as
 * cross-site (CSRF).
 */
const EXCEPTIONS: Record<string, { status: number; code: string }> = {
  '5A70': { status: 400, code: 'CSRF_REFUSED' },
  D6D5: { status: 400, code: 'CSRF_REFUSED' },
  '6A70': { status: 400, code: 'CSRF_REFUSED' },
};

/** graphql-http's server audits (GraphQL over HTTP), one test each, against a real Khabar. */
describe('GraphQL-over-HTTP audits (graphql-http)', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.stop());

  const audits = serverAudits({ url: () => app.url, fetchFn: fetch });
  const passing = audits.filter((audit) => !(audit.id in EXCEPTIONS));
  const failing = audits.filter((audit) => audit.id in EXCEPTIONS);

  it('are the 61 audits of graphql-http 1.23, every documented exception among them', () => {
    expect({ audits: audits.length, exceptions: failing.map((audit) => audit.id).sort() })
      .toEqual({ audits: 61, exceptions: Object.keys(EXCEPTIONS).sort() });
  });

  it.each(passing.map((audit) => [audit.id, audit.name, audit] as const))('%s %s', async (_id, _name, audit) => {
    const result = await audit.fn();
    expect(result.status === 'ok' ? 'ok' : `${result.status}: ${(result as AuditFail).reason}`).toBe('ok');
  });

  it.each(failing.map((audit) => [audit.id, audit.name, audit] as const))('%s %s: a documented exception', async (id, _name, audit) => {
    const result = await audit.fn();
    expect(result.status).not.toBe('ok');
    const { response } = result as AuditFail;
    const body = (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
    expect({ status: response.status, data: body.data, codes: body.errors?.map((error) => error.extensions?.code) })
      .toEqual({ status: EXCEPTIONS[id].status, data: undefined, codes: [EXCEPTIONS[id].code] });
  });
});
