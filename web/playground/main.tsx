import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { createGraphiQLFetcher, type Fetcher } from '@graphiql/toolkit';
import { createClient, type Client } from 'graphql-ws';
import 'graphiql/style.css';
import './playground.css';
import { defaultHeaders, exampleTabs } from './examples';

/** Monaco's worker bundles, built next to this file by scripts/build-web.mjs (names carry a content hash). */
declare const MONACO_WORKER_FILES: { editor: string; json: string; graphql: string };

// Set before any editor exists: Monaco asks it for a worker per language service; nothing loads from elsewhere.
(self as unknown as { MonacoEnvironment: object }).MonacoEnvironment = {
  getWorker(_workerId: string, label: string) {
    const file = label === 'graphql' || label === 'json' ? MONACO_WORKER_FILES[label] : MONACO_WORKER_FILES.editor;
    return new Worker(new URL(file, import.meta.url));
  },
};

const httpUrl = new URL('/graphql', location.href).href;
const wsUrl = httpUrl.replace(/^http/, 'ws');

/** Subscriptions go over graphql-ws on the same path; the Authorization header rides in connectionParams. */
let wsAuthorization: string | undefined;
let wsClient: Client | undefined;
function wsClientFor(authorization: string | undefined): Client {
  if (!wsClient || authorization !== wsAuthorization) {
    void wsClient?.dispose();
    wsAuthorization = authorization;
    wsClient = createClient({ url: wsUrl, lazy: true, connectionParams: authorization ? { authorization } : {} });
  }
  return wsClient;
}

const fetcher: Fetcher = (params, options) => {
  const headers = (options?.headers ?? {}) as Record<string, string | undefined>;
  const authorization = headers.Authorization ?? headers.authorization;
  return createGraphiQLFetcher({ url: httpUrl, wsClient: wsClientFor(authorization) })(params, options);
};

createRoot(document.getElementById('graphiql')!).render(
  <GraphiQL
    fetcher={fetcher}
    defaultTabs={exampleTabs}
    defaultHeaders={defaultHeaders}
    defaultEditorToolsVisibility
    showPersistHeadersSettings
  />,
);
