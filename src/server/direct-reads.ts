import type { Request } from 'express';
import { HeaderMap, type HTTPGraphQLResponse } from '@apollo/server';
import {
  DocumentNode, execute, ExecutionResult, getOperationAST, GraphQLSchema, OperationDefinitionNode, ValidationRule,
} from 'graphql';
import { compileQuery, type CompiledQuery, isCompiledQuery } from 'graphql-jit';
import type { Config } from '../config';
import type { Context } from '../context';
import { cacheControlOf, GRAPHQL_VARY } from './cache/cache-control';
import { GRAPHQL_RESPONSE_MEDIA_TYPE, JSON_MEDIA_TYPE } from './http-errors';
import type { OperationPolicy } from './operation-policy';
import { OperationCache } from './prepared-operations';
import type { HttpRequestState } from './request-state';

/** The third media type Apollo may answer a single result in (JSONP-style callbacks): left to Apollo. */
const JSON_CALLBACK_MEDIA_TYPE = 'application/json; callbackSpec=1.0; charset=utf-8';
const SEARCH_PARAMETERS = ['query', 'operationName', 'variables', 'extensions'];
/** Runs of an operation before it is compiled: a document sent once or twice costs no compilation (several ms). */
export const COMPILE_AFTER = 10;

/** An anonymous query that can be answered without Apollo: its parsed, validated document and chosen operation. */
export interface DirectRead {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  variables: Record<string, unknown> | undefined;
  operationName: string | undefined;
  mediaType: string;
}

interface Deps {
  schema: GraphQLSchema;
  config: Config;
  policy: OperationPolicy;
  /** The rules Apollo validates with besides GraphQL's own. */
  validationRules: readonly ValidationRule[];
}

/**
 * Anonymous queries over HTTP (a POST with a JSON body or a GET, one operation with its text) run straight through
 * graphql-js with the same policy, context, cache tags and headers as under Apollo, without Apollo's request pipeline
 * (its plugin hooks, per-request hash and header maps were a fifth of a read's CPU). The answer is Apollo's byte for
 * byte. Everything else goes to Apollo: editors, batches, persisted queries, mutations, traced requests, documents
 * that do not parse or validate, refusals, and any read whose execution reports an error (run again there, so every
 * error answer, its status, masking and log line stay Apollo's; reads have no side effects).
 */
export class DirectReads {
  private readonly documents: OperationCache;
  /**
   * Each operation compiled once (graphql-jit) after COMPILE_AFTER runs (how many so far until then), null for one it
   * cannot compile: graphql-js executes those.
   */
  private readonly compiled = new WeakMap<OperationDefinitionNode, CompiledQuery | null | number>();

  constructor(private readonly deps: Deps) {
    this.documents = new OperationCache(deps.schema, 1_000, { parse: { maxTokens: deps.config.edge.maxTokens }, rules: deps.validationRules });
  }

  /** The operation when this request can be answered here; null sends it to Apollo. */
  plan(req: Request, state: HttpRequestState): DirectRead | null {
    const { params } = state;
    if (!params || state.persisted || state.span || req.headers.authorization) return null;
    const { query, operationName, variables, extensions } = params;
    if (typeof query !== 'string' || query === '' || !optionalRecord(variables) || !optionalRecord(extensions)) return null;
    if (operationName != null && typeof operationName !== 'string') return null;
    if (req.method === 'GET') {
      // Apollo refuses a GET with a body type or a repeated parameter, and may prefer its HTML page.
      if (req.headers['content-type'] !== undefined || req.headers.accept?.includes('text/html') || repeatsAParameter(req)) return null;
    } else if (req.method !== 'POST' || req.body !== params || !req.is('application/json')) {
      return null;
    }
    const mediaType = answerMediaType(req);
    if (!mediaType) return null;
    const prepared = this.documents.prepare(query);
    if (Array.isArray(prepared)) return null;
    const { document } = prepared as Exclude<typeof prepared, readonly unknown[]>;
    const operation = getOperationAST(document, operationName ?? undefined);
    if (operation?.operation !== 'query') return null;
    return { document, operation, variables: variables ?? undefined, operationName: operationName ?? undefined, mediaType };
  }

  /**
   * Runs the read with the request's context; null when the policy refuses it or its execution reports an error,
   * for Apollo to answer.
   */
  async answer(read: DirectRead, contextValue: Context): Promise<HTTPGraphQLResponse | null> {
    const { schema, config, policy } = this.deps;
    if (policy.checkOperation(schema, read.document, read.operation, read.variables, contextValue.viewer)) return null;
    const result = await this.execute(read, contextValue);
    if (result.errors?.length) return null;
    // What the request log, cache-control and SQL-count plugins note under Apollo.
    const state = contextValue.http!;
    state.operationName = read.operation.name?.value;
    state.operationType = read.operation.operation;
    state.sqlStatements = contextValue.sql.statements;
    const headers = new HeaderMap([
      ['content-type', read.mediaType], ['vary', GRAPHQL_VARY], ['cache-control', cacheControlOf(state.tags, config.edge)],
    ]);
    if (config.exposeSqlCount) headers.set('x-khabar-sql-statements', String(contextValue.sql.statements));
    // Apollo's serialization: the result's fields in its order, a newline after.
    return { status: undefined, headers, body: { kind: 'complete', string: `${JSON.stringify({ data: result.data })}\n` } };
  }

  private execute(read: DirectRead, contextValue: Context): Promise<ExecutionResult> | ExecutionResult {
    const compiled = this.compiledOf(read);
    if (compiled) return compiled.query(undefined, contextValue, read.variables ?? {});
    return execute({ schema: this.deps.schema, document: read.document, contextValue, variableValues: read.variables, operationName: read.operationName });
  }

  private compiledOf(read: DirectRead): CompiledQuery | null {
    const known = this.compiled.get(read.operation);
    if (known !== undefined && typeof known !== 'number') return known;
    const runs = (known ?? 0) + 1;
    const next = runs < COMPILE_AFTER ? runs : this.compile(read);
    this.compiled.set(read.operation, next);
    return typeof next === 'number' ? null : next;
  }

  private compile(read: DirectRead): CompiledQuery | null {
    try {
      const outcome = compileQuery(this.deps.schema, read.document, read.operationName);
      return isCompiledQuery(outcome) ? outcome : null;
    } catch {
      return null;
    }
  }
}

function optionalRecord(value: unknown): value is Record<string, unknown> | null | undefined {
  return value == null || (typeof value === 'object' && !Array.isArray(value));
}

function repeatsAParameter(req: Request): boolean {
  const index = req.url.indexOf('?');
  if (index < 0) return false;
  const search = new URLSearchParams(req.url.slice(index));
  return SEARCH_PARAMETERS.some((name) => search.getAll(name).length > 1);
}

/** The media type Apollo answers a single result in (the same negotiation); null for the one left to it. */
function answerMediaType(req: Request): string | null {
  if (!req.headers.accept) return JSON_MEDIA_TYPE;
  const preferred = req.accepts([JSON_MEDIA_TYPE, GRAPHQL_RESPONSE_MEDIA_TYPE, JSON_CALLBACK_MEDIA_TYPE]);
  return preferred === JSON_MEDIA_TYPE || preferred === GRAPHQL_RESPONSE_MEDIA_TYPE ? preferred : null;
}
