import {
  createSourceEventStream, DocumentNode, execute, ExecutionArgs, ExecutionResult, getOperationAST, GraphQLError, GraphQLSchema,
  Kind, parse, ParseOptions, specifiedRules, validate, ValidationRule, visit,
} from 'graphql';
import type { Viewer } from '../auth/viewer';

/** A parsed and validated operation, shared by every subscriber that sends the same text. */
export interface PreparedOperation {
  document: DocumentNode;
  /** Variables that only position a replay (`breakingNews(after: $cursor)`): results do not depend on them. */
  positionOnly: ReadonlySet<string>;
  id: number;
}

const POSITION_ARGUMENT = 'after';

/**
 * Parses and validates each distinct operation text once: ten thousand phones subscribing with the same document
 * cost one parse, one validation and one AST in memory. Bounded; when full it starts over.
 */
export class OperationCache {
  private readonly prepared = new Map<string, PreparedOperation | readonly GraphQLError[]>();
  private readonly byDocument = new WeakMap<DocumentNode, PreparedOperation>();
  private nextId = 1;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly capacity = 1_000,
    /** What a transport adds to GraphQL's own parsing and validation (HTTP: its token limit and its refusal of subscriptions). */
    private readonly options: { parse?: ParseOptions; rules?: readonly ValidationRule[] } = {},
  ) {}

  prepare(text: string): PreparedOperation | readonly GraphQLError[] {
    let entry = this.prepared.get(text);
    if (!entry) {
      entry = this.compile(text);
      if (this.prepared.size >= this.capacity) this.prepared.clear();
      this.prepared.set(text, entry);
    }
    return entry;
  }

  of(document: DocumentNode): PreparedOperation | undefined {
    return this.byDocument.get(document);
  }

  private compile(text: string): PreparedOperation | readonly GraphQLError[] {
    let document: DocumentNode;
    try {
      document = parse(text, this.options.parse);
    } catch (error) {
      return [coded(error as GraphQLError, 'GRAPHQL_PARSE_FAILED')];
    }
    const errors = validate(this.schema, document, this.options.rules ? [...specifiedRules, ...this.options.rules] : specifiedRules);
    if (errors.length > 0) return errors.map((error) => coded(error, 'GRAPHQL_VALIDATION_FAILED'));
    const operation: PreparedOperation = { document, positionOnly: positionOnlyVariables(document), id: this.nextId++ };
    this.byDocument.set(document, operation);
    return operation;
  }
}

/** The codes Apollo gives these errors over HTTP, so clients handle both transports alike. */
export function coded(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, extensions: { code } });
}

/** Variables used nowhere but as the `after` argument of a root subscription field. */
function positionOnlyVariables(document: DocumentNode): Set<string> {
  const uses = new Map<string, number>();
  const asPosition = new Set<string>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION || definition.operation !== 'subscription') continue;
    for (const selection of definition.selectionSet.selections) {
      if (selection.kind !== Kind.FIELD) continue;
      for (const argument of selection.arguments ?? []) {
        if (argument.name.value === POSITION_ARGUMENT && argument.value.kind === Kind.VARIABLE) asPosition.add(argument.value.name.value);
      }
    }
  }
  visit(document, {
    VariableDefinition: () => false,
    Variable(node) {
      uses.set(node.name.value, (uses.get(node.name.value) ?? 0) + 1);
    },
  });
  return new Set([...asPosition].filter((name) => uses.get(name) === 1));
}

const resultsByEvent = new WeakMap<object, Map<string, Promise<ExecutionResult> | ExecutionResult>>();

/**
 * graphql's subscribe, except that subscribers whose results cannot differ (same document, same variables but the
 * replay position, same role) share one execution per event: the event's payload object is the same for all of them.
 */
export async function subscribeSharingResults(args: ExecutionArgs, operations: OperationCache, viewer: Viewer) {
  const source = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in source)) return source;
  const prepared = operations.of(args.document);
  const shareKey = prepared ? sharingKey(prepared, args, viewer) : null;
  return new SharedResults(source[Symbol.asyncIterator](), (payload) => {
    if (shareKey === null || typeof payload !== 'object' || payload === null) return execute({ ...args, rootValue: payload });
    let results = resultsByEvent.get(payload);
    if (!results) {
      results = new Map();
      resultsByEvent.set(payload, results);
    }
    let result = results.get(shareKey);
    if (!result) {
      result = execute({ ...args, rootValue: payload });
      results.set(shareKey, result);
    }
    return result;
  });
}

function sharingKey(prepared: PreparedOperation, args: ExecutionArgs, viewer: Viewer): string {
  const variables = Object.entries(args.variableValues ?? {}).filter(([name]) => !prepared.positionOnly.has(name))
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return JSON.stringify([prepared.id, args.operationName ?? null, viewer.role, variables]);
}

export function isSubscription(args: Pick<ExecutionArgs, 'document' | 'operationName'>): boolean {
  return getOperationAST(args.document, args.operationName)?.operation === 'subscription';
}

/** A source of events that can tell whether its next one is at hand (the realtime event streams). */
interface MaybeReady {
  ready?(): boolean;
}

/**
 * The results of a subscription's events: an async iterator mapping each event to its (shared) result, closing the
 * event stream on return (graphql-ws completes it that way). The live transport reads `source` and `map` directly
 * (./live-delivery.ts).
 */
export class SharedResults<T = unknown> implements AsyncIterableIterator<ExecutionResult> {
  constructor(readonly source: AsyncIterator<T> & MaybeReady,
    readonly map: (value: T) => Promise<ExecutionResult> | ExecutionResult) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Whether the next event is at hand, without waiting for the feed or the database. */
  ready(): boolean {
    return this.source.ready?.() ?? false;
  }

  async next(): Promise<IteratorResult<ExecutionResult>> {
    const item = await this.source.next();
    if (item.done) return { value: undefined, done: true };
    return { value: await this.map(item.value), done: false };
  }

  async return(): Promise<IteratorResult<never>> {
    await this.source.return?.();
    return { value: undefined, done: true };
  }

  async throw(error?: unknown): Promise<IteratorResult<never>> {
    await this.source.return?.();
    throw error;
  }
}
