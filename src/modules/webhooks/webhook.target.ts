import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { badInput } from '../../shared/errors';
import { isForbiddenAddress } from './webhook.rules';

/** A target the SSRF rules refuse (at registration, or when the address it resolves to at send time is private). */
export class RefusedTarget extends Error {}

export interface TargetRules {
  /** WEBHOOK_ALLOW_PRIVATE_TARGETS: loopback, private and link-local addresses allowed (tests, an internal receiver). */
  allowPrivate: boolean;
}

function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

/** A webhook URL as registered: http(s), no credentials, and (unless allowed) resolving to public addresses only. */
export async function checkTargetUrl(raw: string, rules: TargetRules): Promise<string> {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw badInput('url must be an absolute http or https URL.', 'url');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw badInput('url must be an absolute http or https URL.', 'url');
  if (url.username || url.password) throw badInput('url may not carry a user name or password.', 'url');
  if (url.href.length > 2_000) throw badInput('url is longer than 2,000 characters.', 'url');
  if (rules.allowPrivate) return url.href;
  const host = hostOf(url);
  let addresses: string[];
  if (net.isIP(host)) addresses = [host];
  else {
    try {
      addresses = (await dns.promises.lookup(host, { all: true, verbatim: true })).map((a) => a.address);
    } catch {
      throw badInput(`url's host "${host}" does not resolve.`, 'url');
    }
  }
  const refused = addresses.find(isForbiddenAddress);
  if (refused) throw badInput(`url resolves to ${refused}, a loopback, private or link-local address: webhooks go to public addresses only.`, 'url');
  return url.href;
}

/** A DNS lookup that refuses private addresses: the check is made on the address connected to, so DNS rebinding cannot pass it. */
function guardedLookup(rules: TargetRules): net.LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, found) => {
      const cb = callback as (...args: unknown[]) => void;
      if (error) return cb(error);
      const addresses = found as dns.LookupAddress[];
      const refused = rules.allowPrivate ? undefined : addresses.find((a) => isForbiddenAddress(a.address));
      if (refused) return cb(new RefusedTarget(`${hostname} resolves to ${refused.address}, a loopback, private or link-local address`));
      if (addresses.length === 0) return cb(new Error(`${hostname} has no address`));
      if ((options as dns.LookupOptions).all) return cb(null, addresses);
      return cb(null, addresses[0].address, addresses[0].family);
    });
  };
}

export interface WebhookResponse {
  status: number;
  retryAfter: string | undefined;
  location: string | undefined;
  /** At most maxResponseBytes of it. */
  body: Buffer;
}

export interface PostOptions extends TargetRules {
  timeoutMs: number;
  maxResponseBytes: number;
  signal?: AbortSignal;
  /** Keep-alive connections to receivers (each new one still checked by the guarded lookup). */
  agent?: http.Agent;
}

/**
 * POSTs one delivery: the whole exchange within timeoutMs, at most maxResponseBytes of the answer read, redirects
 * returned as they are (never followed), and the address checked as it is connected to.
 */
export function postWebhook(target: string, headers: Record<string, string>, body: string, options: PostOptions): Promise<WebhookResponse> {
  return new Promise<WebhookResponse>((resolve, reject) => {
    const url = new URL(target);
    const host = hostOf(url);
    if (!options.allowPrivate && net.isIP(host) && isForbiddenAddress(host)) {
      reject(new RefusedTarget(`${host} is a loopback, private or link-local address`));
      return;
    }
    const payload = Buffer.from(body);
    const request = (url.protocol === 'https:' ? https : http).request(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(payload.length) },
      lookup: guardedLookup(options),
      agent: options.agent ?? false,
      signal: options.signal,
    }, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => {
        clearTimeout(deadline);
        resolve({
          status: response.statusCode ?? 0,
          retryAfter: response.headers['retry-after'],
          location: response.headers.location,
          body: Buffer.concat(chunks),
        });
      };
      response.on('data', (chunk: Buffer) => {
        const room = options.maxResponseBytes - size;
        if (room > 0) chunks.push(chunk.subarray(0, room));
        size += chunk.length;
        // The answer's status is all that counts: past the cap the rest is not read.
        if (size >= options.maxResponseBytes) {
          response.destroy();
          done();
        }
      });
      response.on('end', done);
      response.on('error', (error) => {
        clearTimeout(deadline);
        reject(error);
      });
    });
    const deadline = setTimeout(() => request.destroy(new Error(`no answer within ${options.timeoutMs} ms`)), options.timeoutMs);
    request.on('error', (error) => {
      clearTimeout(deadline);
      reject(error);
    });
    request.end(payload);
  });
}
