import http2 from 'node:http2';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { makeTestCertificate, TestCertificate } from './tls';

/** What a peer answers once a request passed its checks; 'hold' never answers (a provider that hangs). */
export type Answer = { status: number; headers?: Record<string, string>; body?: string } | 'hold';

export interface PeerServer {
  origin: string;
  /** The certificate to trust (PEM). */
  ca: string;
  /** TLS connections accepted so far. */
  connections(): number;
  stop(): Promise<void>;
}

type Handler = (request: http2.Http2ServerRequest, body: Buffer) => Promise<Answer> | Answer;

/** Which protocols a peer offers by ALPN: HTTP/2 only (APNs), HTTP/2 and HTTP/1.1, or HTTP/1.1 only (an older push service). */
export type PeerProtocols = 'h2' | 'h2+h1' | 'h1';

type Request = Pick<http2.Http2ServerRequest, 'url' | 'method' | 'headers' | 'on'>;
type Response = { writeHead(status: number, headers: Record<string, string>): unknown; end(body: string): unknown; on(event: 'close', listener: () => void): unknown; destroy?(): void; stream?: http2.ServerHttp2Stream };

/** An HTTPS server on a free port of 127.0.0.1 with a fresh certificate. */
export async function startPeerServer(handler: Handler, options: { protocols?: PeerProtocols; certificate?: TestCertificate; port?: number } = {}): Promise<PeerServer> {
  const certificate = options.certificate ?? makeTestCertificate();
  const held = new Set<Response>();
  const onRequest = (req: Request, res: Response) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      let answer: Answer;
      try {
        answer = await handler(req as http2.Http2ServerRequest, Buffer.concat(chunks));
      } catch (error) {
        answer = { status: 500, body: JSON.stringify({ reason: 'InternalServerError', message: String(error) }) };
      }
      if (answer === 'hold') {
        held.add(res);
        res.on('close', () => held.delete(res));
        return;
      }
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body ?? '');
    });
  };
  const tlsOptions = { cert: certificate.cert, key: certificate.key };
  const server = options.protocols === 'h1'
    ? https.createServer(tlsOptions, (req, res) => onRequest(req as unknown as Request, res))
    : http2.createSecureServer({ ...tlsOptions, allowHTTP1: options.protocols === 'h2+h1', settings: { maxConcurrentStreams: 1000 } },
      (req, res) => onRequest(req, res));
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (session: http2.ServerHttp2Session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  let connections = 0;
  server.on('secureConnection', () => {
    connections += 1;
  });
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (socket: import('node:net').Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `https://localhost:${port}`,
    ca: certificate.cert,
    connections: () => connections,
    stop: () => new Promise<void>((resolve) => {
      for (const res of held) {
        if (res.stream) res.stream.close(http2.constants.NGHTTP2_CANCEL);
        else res.destroy?.();
      }
      for (const session of sessions) session.destroy();
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): Answer =>
  ({ status, headers, body: JSON.stringify(body) });
