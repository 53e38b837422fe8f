import { AsyncLocalStorage } from 'node:async_hooks';

/** Per-request bookkeeping that must follow the request through DataLoader batches and the ORM. */
export interface RequestScope {
  requestId: string;
  sqlStatements: number;
}

export const requestScope = new AsyncLocalStorage<RequestScope>();
