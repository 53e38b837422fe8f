import WebSocket from 'ws';
import { Client, createClient, FormattedExecutionResult } from 'graphql-ws';
import type { TestApp } from './test-app';
import { eventually } from './eventually';

export interface CloseInfo {
  code: number;
  reason: string;
}

export interface LiveConnection {
  client: Client;
  /** Close events seen by the client, in order. */
  closes: CloseInfo[];
  closed(): Promise<CloseInfo>;
  dispose(): Promise<void>;
}

/** The official graphql-ws client, connected to a test app; no retries, so every close is visible. */
export function connectLive(app: TestApp, options: { token?: string; connectionParams?: Record<string, unknown> } = {}): LiveConnection {
  const closes: CloseInfo[] = [];
  const client = createClient({
    url: app.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: options.token ? { authorization: `Bearer ${options.token}` } : options.connectionParams,
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => undefined,
    on: { closed: (event) => void closes.push({ code: (event as CloseInfo).code, reason: (event as CloseInfo).reason }) },
  });
  return {
    client,
    closes,
    async closed() {
      await eventually(() => closes.length > 0, { what: 'the connection to close' });
      return closes[0];
    },
    dispose: () => client.dispose() as Promise<void>,
  };
}

export interface LiveSubscription<T = any> {
  results: FormattedExecutionResult<T, unknown>[];
  completed: boolean;
  error: unknown;
  /** Waits until `count` results arrived and returns the data of all results so far. */
  received(count: number): Promise<T[]>;
  stop(): void;
}

export function subscribe<T = any>(connection: LiveConnection, query: string, variables?: Record<string, unknown>): LiveSubscription<T> {
  const subscription: LiveSubscription<T> = {
    results: [],
    completed: false,
    error: undefined,
    async received(count) {
      await eventually(() => subscription.results.length, (have) => have >= count || subscription.completed || subscription.error !== undefined,
        { what: `${count} live results` });
      return subscription.results.map((result) => result.data as T);
    },
    stop: () => undefined,
  };
  subscription.stop = connection.client.subscribe<T>({ query, variables }, {
    next: (result) => void subscription.results.push(result),
    error: (error) => {
      subscription.error = error;
    },
    complete: () => {
      subscription.completed = true;
    },
  });
  return subscription;
}

/** Waits until an instance serves `count` live streams, so that what is pushed next is live for them. */
export async function streamsOpen(app: TestApp, count: number): Promise<void> {
  await eventually(() => app.khabar.feed.streamCount >= count, { what: `${count} open live streams on ${app.url}` });
}
