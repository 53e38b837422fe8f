import http from 'node:http';

/**
 * One request through `agent` (a POST of `body` as JSON, or a GET without one), read to its end: resolves with its
 * milliseconds when it answered 200, or null for any other status or a failed connection.
 */
export function timedRequest(agent, target, body) {
  return new Promise((resolve) => {
    const started = performance.now();
    const req = http.request(target, body === undefined
      ? { agent }
      : { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200 ? performance.now() - started : null));
    });
    req.on('error', () => resolve(null));
    req.end(body);
  });
}
