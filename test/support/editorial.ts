import type { GraphQLResponse, TestApp } from './test-app';

/** The fields editors read back after a write. */
export const ARTICLE_FIELDS = 'id slug title kicker summary body { type text } lang status publishedAt version editorNote tags hasVideo category { slug } people { slug } regions { code }';

export const CREATE = `mutation($input: CreateArticleInput!) { createArticle(input: $input) { ${ARTICLE_FIELDS} } }`;
export const UPDATE = `mutation($id: ID!, $expectedVersion: Int!, $input: UpdateArticleInput!) {
  updateArticle(id: $id, expectedVersion: $expectedVersion, input: $input) { ${ARTICLE_FIELDS} } }`;
export const PUBLISH = `mutation($id: ID!, $at: DateTime) { publishArticle(id: $id, at: $at) { ${ARTICLE_FIELDS} } }`;
export const UNPUBLISH = `mutation($id: ID!) { unpublishArticle(id: $id) { ${ARTICLE_FIELDS} } }`;
export const ARCHIVE = `mutation($id: ID!) { archiveArticle(id: $id) { ${ARTICLE_FIELDS} } }`;
export const CORRECT = `mutation($id: ID!, $expectedVersion: Int!, $input: UpdateArticleInput!, $note: String!) {
  correctArticle(id: $id, expectedVersion: $expectedVersion, input: $input, note: $note) { ${ARTICLE_FIELDS} } }`;
export const RETRACT = `mutation($id: ID!, $note: String!) { retractArticle(id: $id, note: $note) { ${ARTICLE_FIELDS} } }`;
export const RESTORE = `mutation($id: ID!, $version: Int!, $expectedVersion: Int!) {
  restoreRevision(id: $id, version: $version, expectedVersion: $expectedVersion) { ${ARTICLE_FIELDS} } }`;

export const A_BODY = [{ type: 'PARAGRAPH', text: 'دعت وزيرة التضامن إلى اعتماد مخطط عمل اجتماعي مشترك.' }];

/** Runs an operation that must succeed and returns its data (over HTTP, or in process: test/support/in-process.ts). */
export async function ok<T = any>(app: Pick<TestApp, 'gql'>, query: string, variables: Record<string, unknown>, token?: string): Promise<T> {
  const res = await app.gql(query, variables, { token });
  if (res.errors) throw new Error(`unexpected errors: ${JSON.stringify(res.errors)}`);
  return res.data;
}

/** The single error of a response that must fail. */
export function failure(res: GraphQLResponse): { message: string; extensions?: Record<string, any> } {
  if (!res.errors || res.errors.length !== 1) throw new Error(`expected exactly one error, got ${JSON.stringify(res.errors ?? res.data)}`);
  return res.errors[0];
}

export function outboxEvents(app: Pick<TestApp, 'sql'>, articleId?: string): Promise<{ kind: string; entityId: number; regionCodes: string[] }[]> {
  return app.sql(
    `SELECT kind, entity_id AS "entityId", region_codes AS "regionCodes" FROM event_outbox
     WHERE topic = 'article' AND ($1::int IS NULL OR entity_id = $1) ORDER BY seq`,
    [articleId ? Number(Buffer.from(articleId, 'base64url').toString().split(':')[1]) : null]);
}
