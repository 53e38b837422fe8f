import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One request a receiver got, as it verified it. */
export interface ReceivedWebhook {
  id: string;
  timestamp: number;
  signature: string;
  raw: string;
  body: any;
  /** When it arrived (epoch ms). */
  at: number;
  /** The status the receiver answered (0 while held or if the sender hung up first). */
  status: number;
}

/** Fast retries and leases so a test sees backoff, dead letters and takeovers within seconds; private targets allowed (the receiver is local). */
export const WEBHOOK_TEST_CONFIG = {
  enabled: true, allowPrivateTargets: true, timeoutMs: 5_000, leaseMs: 1_500, pollMs: 50,
  retry: { baseDelayMs: 100, maxDelayMs: 400, maxAttempts: 6, maxRetryAfterMs: 10_000 },
};

export type Answer = { status: number; headers?: Record<string, string> } | 'hold';

/**
 * A partner's endpoint on port 0: every request is verified with the `standardwebhooks` package (an independent
 * implementation of the signature) against `secrets`; one that verifies with none is kept in `unverified`.
 */
export class WebhookReceiver {
  url = '';
  /** Every request, in arrival order. */
  readonly requests: ReceivedWebhook[] = [];
  /** Requests that no secret in `secrets` verified. */
  readonly unverified: { id: string; error: string }[] = [];
  secrets: string[] = [];
  /** Decides each answer (2xx unless it says otherwise); `n` counts earlier requests with the same webhook-id. */
  answer: (request: ReceivedWebhook, n: number) => Answer = () => ({ status: 204 });
  private readonly held: http.ServerResponse[] = [];
  private server!: http.Server;

  static async start(): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver();
    receiver.server = http.createServer((req, res) => receiver.handle(req, res));
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    receiver.url = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}/hooks/khabar`;
    return receiver;
  }

  /** Requests answered 2xx: what the partner accepted. */
  get accepted(): ReceivedWebhook[] {
    return this.requests.filter((r) => r.status >= 200 && r.status < 300);
  }

  /** Verifies a delivery with one secret as a receiver would (throws when the signature, id or timestamp is wrong). */
  static verify(secret: string, request: ReceivedWebhook): void {
    new Webhook(secret).verify(request.raw, { 'webhook-id': request.id, 'webhook-timestamp': String(request.timestamp), 'webhook-signature': request.signature });
  }

  reset(): void {
    this.requests.length = 0;
    this.unverified.length = 0;
    this.answer = () => ({ status: 204 });
    this.release();
  }

  /** Answers every held request with `status`. */
  release(status = 204): void {
    for (const res of this.held.splice(0)) if (!res.writableEnded && !res.destroyed) res.writeHead(status).end();
  }

  get holding(): number {
    return this.held.filter((res) => !res.destroyed && !res.writableEnded).length;
  }

  stop(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const request: ReceivedWebhook = {
        id: String(req.headers['webhook-id']),
        timestamp: Number(req.headers['webhook-timestamp']),
        signature: String(req.headers['webhook-signature']),
        raw,
        body: safeJson(raw),
        at: Date.now(),
        status: 0,
      };
      const errors: string[] = [];
      const verified = this.secrets.some((secret) => {
        try {
          WebhookReceiver.verify(secret, request);
          return true;
        } catch (error) {
          errors.push((error as Error).message);
          return false;
        }
      });
      if (!verified) this.unverified.push({ id: request.id, error: errors.join('; ') || 'no secret to verify with' });
      const n = this.requests.filter((r) => r.id === request.id).length;
      this.requests.push(request);
      const answer = this.answer(request, n);
      if (answer === 'hold') {
        this.held.push(res);
        res.on('finish', () => { request.status = res.statusCode; });
        return;
      }
      request.status = answer.status;
      res.writeHead(answer.status, answer.headers).end();
    });
  }
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
}
