import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';

interface Deps {
  app: Express;
  /** The /graphql route's steps as express would run them, app-wide ones first (security headers). */
  steps: RequestHandler[];
  /** Bodies declared larger than this go through express (body-parser refuses them before reading). */
  bodyLimitBytes: number;
}

/** What the Node server calls with each request: true when it answers it, false for express to. */
export type RequestTaker = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * POST /graphql with a plain JSON body, the way nearly every GraphQL client sends an operation, run through the route's
 * own steps without express's router and body-parser (a tenth of a read's CPU went to matching routes and to the
 * body's stream and charset machinery): the request gets express's request and response prototypes, as express
 * gives them, so every step runs unchanged, and its body is read by plainJsonBody. Which requests are taken is decided
 * from the request line and headers alone, before anything is read or answered; any other request (another path,
 * method or content type, a charset other than UTF-8, a compressed, chunked or oversized body) goes to express.
 * A step that fails is handed to express with its error (`failedGraphqlPosts`), whose final handler answers it.
 */
export function graphqlPosts({ app, steps, bodyLimitBytes }: Deps): RequestTaker {
  return (req, res) => {
    if (req.method !== 'POST' || req.url !== '/graphql' || !takesBody(req, bodyLimitBytes)) return false;
    const request = req as Request;
    const response = res as Response;
    // What express's app.handle does first (x-powered-by is off); the prototypes are already these
    // (messagesWithExpressPrototypes), which leaves them as they are.
    request.res = response;
    response.req = request;
    Object.setPrototypeOf(request, app.request);
    Object.setPrototypeOf(response, app.response);
    response.locals = Object.create(null) as Record<string, unknown>;
    let index = 0;
    const fail = (error: unknown) => {
      failures.set(req, error ?? new Error('a /graphql step failed without an error'));
      app(request, response);
    };
    const next: NextFunction = (error?: unknown) => {
      if (error) return fail(error);
      const step = steps[index++];
      if (!step) return fail(new Error('the /graphql route ended without an answer'));
      try {
        const outcome = step(request, response, next) as unknown;
        if (outcome instanceof Promise) outcome.catch(fail);
      } catch (error) {
        fail(error);
      }
    };
    next();
    return true;
  };
}

const failures = new WeakMap<IncomingMessage, unknown>();

/** express's first middleware: a request whose /graphql step failed goes on with that error, to express's final handler. */
export const failedGraphqlPosts: RequestHandler = (req, _res, next) => {
  const error = failures.get(req);
  if (error === undefined) return next();
  failures.delete(req);
  next(error);
};

/** A JSON body of UTF-8 (declared or not), sent as is, with a length within the limit. */
function takesBody(req: IncomingMessage, limit: number): boolean {
  const { headers } = req;
  const type = headers['content-type'];
  if (type !== 'application/json' && !(type !== undefined && JSON_UTF8.test(type))) return false;
  if (headers['content-encoding'] !== undefined || headers['transfer-encoding'] !== undefined) return false;
  const length = headers['content-length'];
  return length !== undefined && Number(length) <= limit;
}

const JSON_UTF8 = /^application\/json\s*;\s*charset=utf-8$/i;

/**
 * The Node server's request and response classes: Node's own, extended by nothing but express's methods, and made
 * express's `app.request` and `app.response`, so that express setting the prototype of each request and response
 * changes nothing. An object whose prototype is changed gets a hidden class of its own, and so does every property
 * added to it afterwards: each request brought new classes to every property access of Node's HTTP code, express's and
 * ours, none of which could stay fast (a front page's CPU fell by a sixth without them). Subclasses keep the layout
 * Node's constructors give the objects.
 */
export function messagesWithExpressPrototypes(app: Express): Pick<http.ServerOptions, 'IncomingMessage' | 'ServerResponse'> {
  class Request extends http.IncomingMessage {}
  class Response extends http.ServerResponse {}
  const prototypes = app as unknown as Record<'request' | 'response', object>;
  for (const [type, key] of [[Request, 'request'], [Response, 'response']] as const) {
    // What express's app.request and app.response are: its methods over Node's, and `app` (express's own definition).
    Object.setPrototypeOf(type.prototype, Object.getPrototypeOf(prototypes[key]) as object);
    Object.defineProperty(type.prototype, 'app', { configurable: true, enumerable: true, writable: true, value: app });
    prototypes[key] = type.prototype;
  }
  return { IncomingMessage: Request, ServerResponse: Response as unknown as typeof ServerResponse };
}
