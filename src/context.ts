import type { Viewer } from './auth/viewer';
import type { Loaders } from './loaders';
import type { Services } from './services';

/** What every resolver receives: built fresh per request (and per subscription event). */
export interface Context {
  requestId: string;
  viewer: Viewer;
  services: Services;
  loaders: Loaders;
}
