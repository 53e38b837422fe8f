import crypto from 'node:crypto';
import {
  BREAK, DocumentNode, GraphQLError, GraphQLSchema, Lexer, OperationDefinitionNode, Source, TokenKind, visit,
} from 'graphql';
import type { Config } from '../config';
import { isEditor, type Viewer } from '../auth/viewer';
import { InputRule } from './input-rule';
import { costOf, DocumentShape, shapeOf } from './query-analysis';
import { type PersistedQueryManifest, sha256Hex } from './persisted-queries';
import type { RateCounter } from './rate-counter';

/** Codes of the policy's refusals: the same over HTTP and graphql-ws. */
export const POLICY_ERROR_CODES = [
  'DOCUMENT_TOO_LARGE', 'TOO_MANY_TOKENS', 'PERSISTED_QUERY_NOT_IN_LIST', 'QUERY_TOO_DEEP', 'TOO_MANY_ALIASES', 'QUERY_TOO_COMPLEX',
  'RATE_LIMITED', 'UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT',
] as const;
export type PolicyErrorCode = (typeof POLICY_ERROR_CODES)[number];

/** Why an operation may not run; each transport answers it its own way (an HTTP status, a graphql-ws error). */
export interface Refusal {
  code: PolicyErrorCode;
  message: string;
  /** The HTTP status of the answer; graphql-ws has none. */
  status: number;
  /** Sent beside the code: the limit and how far over it the operation is. */
  details: Record<string, unknown>;
}

function refusal(code: PolicyErrorCode, message: string, status: number, details: Record<string, unknown> = {}): Refusal {
  return { code, message, status, details };
}

/** A refusal as a GraphQL error; `withHttpStatus` lets Apollo answer with the refusal's status. */
export function refusalError(refused: Refusal, { withHttpStatus = false } = {}): GraphQLError {
  const extensions = { code: refused.code, ...refused.details, ...(withHttpStatus ? { http: { status: refused.status } } : {}) };
  return new GraphQLError(refused.message, { extensions });
}

/** Who sends an operation, as the rate limit counts them. */
export interface Caller {
  /** The client's address (behind a trusted proxy, the one it reports). */
  address: string | undefined;
  /** The `Authorization` value the caller sent (HTTP header, or graphql-ws `connection_init`), if any. */
  authorization?: string;
}

/** The rate limit's answer for one operation; `refusal` is set when the caller is over its limit. */
export interface RateVerdict {
  scope: 'ip' | 'token';
  limit: number;
  remaining: number;
  resetSeconds: number;
  refusal: Refusal | null;
}

type PolicyConfig = Pick<Config, 'introspection'> & {
  edge: Pick<Config['edge'], 'maxDocumentBytes' | 'maxTokens' | 'maxDepth' | 'maxAliases' | 'maxCost'
    | 'rateLimitWindowMs' | 'rateLimitPerIp' | 'rateLimitPerToken'>;
};

export interface PolicyHooks {
  /** A caller went over its rate limit (metrics). */
  onRateLimited?(scope: 'ip' | 'token'): void;
  /** The rate counter failed: operations go through meanwhile. */
  onCounterFailed?(error: unknown): void;
}

/** An operation's shape, and its cost once computed when no variable sets a page size. */
type Analysis = DocumentShape & { cost?: number };

/**
 * What any operation must pass before it runs, whichever transport brought it: the rate limit per address or
 * token, the document's size and tokens, the persisted-query allow-list (PERSISTED_ONLY), then, once parsed and
 * validated, its depth, aliases and cost, and who may introspect. Transports call the three steps in this order
 * and answer a refusal with its code.
 */
export class OperationPolicy {
  /** Parsed documents are cached by both transports, so a document's shape and introspection are worked out once. */
  private readonly shapes = new WeakMap<DocumentNode, Map<OperationDefinitionNode, Analysis>>();
  private readonly introspecting = new WeakMap<DocumentNode, boolean>();
  private readonly input = new InputRule();

  constructor(
    private readonly config: PolicyConfig,
    private readonly manifest: PersistedQueryManifest | null,
    private readonly counter: RateCounter,
    private readonly hooks: PolicyHooks = {},
  ) {}

  /**
   * Counts one operation: per token for signed-in callers (a newsroom behind one NAT is not throttled as one
   * reader), per address for the others. Tokens are counted by a hash, never stored. Null when the limit is off
   * or the counter failed: the operation goes through.
   */
  async rateLimit(caller: Caller): Promise<RateVerdict | null> {
    const { edge } = this.config;
    const scope = caller.authorization ? 'token' : 'ip';
    const limit = caller.authorization ? edge.rateLimitPerToken : edge.rateLimitPerIp;
    if (limit <= 0) return null;
    const id = caller.authorization ? credentialHash(caller.authorization) : caller.address ?? 'unknown';
    let count: number;
    let resetAt: number;
    try {
      ({ count, resetAt } = await this.counter.hit(`${scope}:${id}`, edge.rateLimitWindowMs));
    } catch (error) {
      this.hooks.onCounterFailed?.(error);
      return null;
    }
    const resetSeconds = Math.max(1, Math.ceil((resetAt - Date.now()) / 1000));
    const verdict: RateVerdict = { scope, limit, remaining: Math.max(0, limit - count), resetSeconds, refusal: null };
    if (count <= limit) return verdict;
    this.hooks.onRateLimited?.(scope);
    verdict.refusal = refusal('RATE_LIMITED',
      `Too many requests from this ${scope === 'ip' ? 'address' : 'token'}: at most ${limit} every ${edge.rateLimitWindowMs / 1000} s. Retry in ${resetSeconds} s.`,
      429, { retryAfter: resetSeconds, limit });
    return verdict;
  }

  /**
   * Checks done before parsing: the document's size and tokens, and, in PERSISTED_ONLY mode, that it is one of the
   * manifest's (given in full, or by the hash of an automatic persisted query).
   */
  checkDocument(query: string | undefined, persistedHash?: string): Refusal | null {
    const { edge } = this.config;
    if (query !== undefined) {
      if (query.length * 3 > edge.maxDocumentBytes && Buffer.byteLength(query) > edge.maxDocumentBytes) {
        return refusal('DOCUMENT_TOO_LARGE', `The GraphQL document is over ${edge.maxDocumentBytes} bytes.`, 400, { limit: edge.maxDocumentBytes });
      }
      if (tokensExceed(query, edge.maxTokens)) {
        return refusal('TOO_MANY_TOKENS', `The GraphQL document has more than ${edge.maxTokens} tokens.`, 400, { limit: edge.maxTokens });
      }
    }
    if (this.manifest) {
      const hash = query !== undefined ? sha256Hex(query) : persistedHash;
      if (!hash || !this.manifest.has(hash)) {
        return refusal('PERSISTED_QUERY_NOT_IN_LIST', 'Only the persisted queries of the apps run here; this document is not one of them.', 400);
      }
    }
    return null;
  }

  /**
   * Checks done once the operation is parsed, validated and chosen, before anything runs: every string it brings
   * (./input-rule.ts), then its depth, aliases, cost and introspection.
   */
  checkOperation(
    schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown> | undefined,
    viewer: Viewer,
  ): Refusal | null {
    const { edge } = this.config;
    const badInput = this.input.problemOf(document, variables);
    if (badInput) return refusal('BAD_USER_INPUT', badInput.message, 400, { field: badInput.field });
    const shape = this.shapeOf(document, operation);
    if (shape.depth > edge.maxDepth) {
      return refusal('QUERY_TOO_DEEP', `The query is ${shape.depth} levels deep; the limit is ${edge.maxDepth}.`, 400,
        { depth: shape.depth, limit: edge.maxDepth });
    }
    if (shape.aliases > edge.maxAliases) {
      return refusal('TOO_MANY_ALIASES', `The query uses ${shape.aliases} aliases; the limit is ${edge.maxAliases}.`, 400,
        { aliases: shape.aliases, limit: edge.maxAliases });
    }
    // Page sizes written in the document cost the same every time: computed once.
    const cost = shape.variablePageSizes ? costOf(schema, document, operation, variables ?? {})
      : (shape.cost ??= costOf(schema, document, operation));
    if (cost > edge.maxCost) {
      return refusal('QUERY_TOO_COMPLEX', `The query costs ${cost}; the limit is ${edge.maxCost}. Ask for smaller pages or fewer nested lists.`,
        400, { cost, limit: edge.maxCost });
    }
    return this.introspectionRefusal(document, viewer);
  }

  /**
   * Introspection (`__schema`, `__type`) when GRAPHQL_INTROSPECTION keeps the schema from this viewer: `editors`
   * needs a valid token (401), `off` refuses everyone (403).
   */
  private introspectionRefusal(document: DocumentNode, viewer: Viewer): Refusal | null {
    const policy = this.config.introspection;
    if (policy === 'public' || !this.asksForIntrospection(document)) return null;
    if (policy === 'off') return refusal('FORBIDDEN', 'Schema introspection is turned off on this server.', 403);
    if (isEditor(viewer)) return null;
    return refusal('UNAUTHENTICATED', 'Schema introspection is for editors: send an editor token.', 401);
  }

  private shapeOf(document: DocumentNode, operation: OperationDefinitionNode): Analysis {
    let byOperation = this.shapes.get(document);
    if (!byOperation) this.shapes.set(document, (byOperation = new Map()));
    let shape = byOperation.get(operation);
    if (!shape) byOperation.set(operation, (shape = shapeOf(document, operation)));
    return shape;
  }

  /** `__schema` and `__type` exist on the query root only, so any occurrence (fragments included) is introspection. */
  private asksForIntrospection(document: DocumentNode): boolean {
    let found = this.introspecting.get(document);
    if (found === undefined) this.introspecting.set(document, (found = searchIntrospection(document)));
    return found;
  }
}

function searchIntrospection(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(field) {
      if (field.name.value === '__schema' || field.name.value === '__type') {
        found = true;
        return BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/** Counts a document's tokens, stopping as soon as it is over the limit; syntax errors are left to the parser. */
function tokensExceed(query: string, max: number): boolean {
  if (query.length <= max) return false; // every token takes at least one character
  const lexer = new Lexer(new Source(query));
  try {
    for (let count = 0; lexer.advance().kind !== TokenKind.EOF; ) {
      if (++count > max) return true;
    }
  } catch {
    return false;
  }
  return false;
}

/** The same token counts alike whichever transport brings it and however its `Bearer` is spelled. */
function credentialHash(authorization: string): string {
  const credential = /^Bearer\s+(\S+)$/i.exec(authorization.trim())?.[1] ?? authorization.trim();
  return crypto.createHash('sha256').update(credential).digest('base64url').slice(0, 22);
}
