import type { NextFunction, Request, Response } from 'express';

/**
 * Same-origin scripts, styles, workers and connections (ws: included, by 'self' in CSP 3) for the front page and
 * the GraphiQL playground; no inline scripts, no framing, no plugins.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: https:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const HEADERS: [string, string][] = [
  ['content-security-policy', CONTENT_SECURITY_POLICY],
  ['x-content-type-options', 'nosniff'],
  ['x-frame-options', 'DENY'],
  ['referrer-policy', 'strict-origin-when-cross-origin'],
  ['cross-origin-opener-policy', 'same-origin'],
  ['permissions-policy', 'camera=(), microphone=(), geolocation=(), payment=()'],
];

export function securityHeaders(req: Request, res: Response, next: NextFunction): void {
  for (const [name, value] of HEADERS) res.setHeader(name, value);
  // Only over HTTPS (directly or as reported by a trusted proxy): HSTS on plain HTTP would be ignored or harmful.
  if (mayBeSecure(req) && req.secure) res.setHeader('strict-transport-security', 'max-age=31536000; includeSubDomains');
  next();
}

/** False when express's `req.secure` is sure to be: a plain socket and no proxy saying otherwise (it costs a trust check). */
function mayBeSecure(req: Request): boolean {
  return (req.socket as { encrypted?: boolean }).encrypted === true || req.headers['x-forwarded-proto'] !== undefined;
}
