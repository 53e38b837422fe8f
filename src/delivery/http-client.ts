import http2 from 'node:http2';
import https from 'node:https';
import tls from 'node:tls';

export interface HttpRequest {
  method: 'POST' | 'GET' | 'PURGE';
  path: string;
  headers: Record<string, string>;
  body?: Buffer | string;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | undefined>;
  body: Buffer;
}

export interface OriginClientOptions {
  /** Trust these CA certificates (PEM) in addition to the system's: a test peer, a private gateway. */
  extraCa?: string;
  /** HTTP/2 only (APNs, FCM), or whatever the server offers by ALPN, HTTP/2 first (Web Push services). */
  protocol: 'h2' | 'negotiate';
  /** Requests in flight on one HTTP/2 connection (the server's own limit applies if lower), or HTTP/1.1 sockets. */
  maxStreams: number;
  /** HTTP/2 connections to open to this origin when one is full. */
  maxSessions: number;
  timeoutMs: number;
  /** A response body past this is cut (an answer is never worth more). */
  maxResponseBytes?: number;
}

/** Raised for transport failures (refused, reset, timed out, GOAWAY): the caller retries. */
export class TransportError extends Error {}

interface Session {
  session: http2.ClientHttp2Session;
  active: number;
}

/**
 * Requests to one HTTPS origin: multiplexed over a few HTTP/2 connections (many requests in flight on each), or over
 * a keep-alive HTTP/1.1 pool when the server does not speak HTTP/2. Requests beyond capacity wait their turn.
 */
export class OriginClient {
  private readonly url: URL;
  private readonly ca: string[] | undefined;
  /** Built once: a context with the system's roots and an extra CA costs milliseconds to build for every connection. */
  private readonly secureContext: tls.SecureContext | undefined;
  private sessions: Session[] = [];
  private connecting: Promise<Session | null> | null = null;
  private readonly waiting: (() => void)[] = [];
  private h1Agent: https.Agent | null = null;
  private closed = false;

  constructor(origin: string, private readonly options: OriginClientOptions) {
    this.url = new URL(origin);
    this.ca = options.extraCa ? [...tls.rootCertificates, options.extraCa] : undefined;
    this.secureContext = this.ca ? tls.createSecureContext({ ca: this.ca }) : undefined;
  }

  get origin(): string {
    return this.url.origin;
  }

  async request(request: HttpRequest): Promise<HttpResponse> {
    if (this.closed) throw new TransportError('client closed');
    if (this.h1Agent) return this.requestH1(request);
    const session = await this.acquire();
    if (!session) return this.requestH1(request);
    try {
      return await this.requestH2(session, request);
    } finally {
      session.active -= 1;
      this.waiting.shift()?.();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const wake of this.waiting.splice(0)) wake();
    await Promise.all(this.sessions.map(({ session }) => new Promise<void>((resolve) => {
      if (session.closed || session.destroyed) return resolve();
      session.close(() => resolve());
      setTimeout(() => {
        session.destroy();
        resolve();
      }, 1_000).unref();
    })));
    this.sessions = [];
    this.h1Agent?.destroy();
  }

  /** A connection with a free stream, opening one if all are full and the pool allows; null when the server speaks only HTTP/1.1. */
  private async acquire(): Promise<Session | null> {
    for (;;) {
      if (this.closed) throw new TransportError('client closed');
      const free = this.sessions.find((s) => !s.session.closed && !s.session.destroyed && s.active < this.capacity(s));
      if (free) {
        free.active += 1;
        return free;
      }
      if (this.sessions.length < this.options.maxSessions) {
        this.connecting ??= this.connect().finally(() => {
          this.connecting = null;
        });
        const opened = await this.connecting;
        if (!opened) return null;
        continue;
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  private capacity(s: Session): number {
    return Math.min(this.options.maxStreams, s.session.remoteSettings?.maxConcurrentStreams ?? this.options.maxStreams);
  }

  private async connect(): Promise<Session | null> {
    const socket = await new Promise<tls.TLSSocket>((resolve, reject) => {
      const s = tls.connect({
        host: this.url.hostname,
        port: Number(this.url.port || 443),
        servername: this.url.hostname,
        ALPNProtocols: this.options.protocol === 'h2' ? ['h2'] : ['h2', 'http/1.1'],
        secureContext: this.secureContext,
      });
      const timer = setTimeout(() => s.destroy(new TransportError(`connecting to ${this.url.origin} timed out`)), this.options.timeoutMs);
      s.once('secureConnect', () => {
        clearTimeout(timer);
        resolve(s);
      });
      s.once('error', (error) => {
        clearTimeout(timer);
        reject(new TransportError(`connecting to ${this.url.origin} failed: ${error.message}`));
      });
    });
    if (socket.alpnProtocol !== 'h2') {
      socket.destroy();
      if (this.options.protocol === 'h2') throw new TransportError(`${this.url.origin} does not speak HTTP/2`);
      this.h1Agent = new https.Agent({ keepAlive: true, maxSockets: this.options.maxStreams, ca: this.ca });
      return null;
    }
    const session = http2.connect(this.url.origin, { createConnection: () => socket });
    const entry: Session = { session, active: 0 };
    const drop = () => {
      this.sessions = this.sessions.filter((s) => s !== entry);
      for (const wake of this.waiting.splice(0)) wake();
    };
    session.on('error', drop);
    session.on('goaway', drop);
    session.on('close', drop);
    // Remote settings (the server's stream limit) arrive right after connecting.
    await new Promise<void>((resolve) => {
      if (session.remoteSettings && Object.keys(session.remoteSettings).length > 0) return resolve();
      session.once('remoteSettings', () => resolve());
      setTimeout(resolve, this.options.timeoutMs).unref();
    });
    this.sessions.push(entry);
    return entry;
  }

  private requestH2({ session }: Session, request: HttpRequest): Promise<HttpResponse> {
    return new Promise<HttpResponse>((resolve, reject) => {
      let stream: http2.ClientHttp2Stream;
      try {
        stream = session.request({ ':method': request.method, ':path': request.path, ...request.headers });
      } catch (error) {
        reject(new TransportError(`request to ${this.url.origin} failed: ${(error as Error).message}`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      let status = 0;
      let headers: Record<string, string | undefined> = {};
      stream.setTimeout(this.options.timeoutMs, () => stream.close(http2.constants.NGHTTP2_CANCEL));
      stream.on('response', (h) => {
        status = Number(h[':status']);
        headers = flatten(h);
      });
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= (this.options.maxResponseBytes ?? 65_536)) chunks.push(chunk);
      });
      let settled = false;
      const settle = (done: () => void) => {
        if (settled) return;
        settled = true;
        done();
      };
      // A stream that ends without response headers (cancelled on timeout, reset) got no answer: the caller retries.
      stream.on('end', () => settle(() => (status === 0
        ? reject(new TransportError(`request to ${this.url.origin} ended without an answer (code ${stream.rstCode})`))
        : resolve({ status, headers, body: Buffer.concat(chunks) }))));
      stream.on('error', (error) => settle(() => reject(new TransportError(`request to ${this.url.origin} failed: ${error.message}`))));
      stream.on('close', () => settle(() => reject(new TransportError(`request to ${this.url.origin} ended without an answer (code ${stream.rstCode})`))));
      stream.end(request.body);
    });
  }

  private requestH1(request: HttpRequest): Promise<HttpResponse> {
    return new Promise<HttpResponse>((resolve, reject) => {
      const body = request.body === undefined ? undefined : Buffer.from(request.body);
      const req = https.request({
        host: this.url.hostname,
        port: Number(this.url.port || 443),
        servername: this.url.hostname,
        method: request.method,
        path: request.path,
        headers: { ...request.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
        agent: this.h1Agent!,
        timeout: this.options.timeoutMs,
      }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= (this.options.maxResponseBytes ?? 65_536)) chunks.push(chunk);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: flatten(res.headers), body: Buffer.concat(chunks) }));
        res.on('error', (error) => reject(new TransportError(error.message)));
      });
      req.on('timeout', () => req.destroy(new TransportError(`request to ${this.url.origin} timed out`)));
      req.on('error', (error) => reject(error instanceof TransportError ? error : new TransportError(`request to ${this.url.origin} failed: ${error.message}`)));
      req.end(body);
    });
  }
}

function flatten(headers: http2.IncomingHttpHeaders | NodeJS.Dict<string | string[]>): Record<string, string | undefined> {
  const flat: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  return flat;
}
