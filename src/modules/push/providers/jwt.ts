import crypto, { type KeyObject } from 'node:crypto';

const json = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A compact JWS: ES256 (P-256, signature as r‖s, as JOSE wants it) or RS256. */
export function signJwt(alg: 'ES256' | 'RS256', header: Record<string, unknown>, payload: Record<string, unknown>, key: KeyObject): string {
  const input = `${json({ ...header, alg })}.${json(payload)}`;
  const signature = alg === 'ES256'
    ? crypto.sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' })
    : crypto.sign('sha256', Buffer.from(input), key);
  return `${input}.${signature.toString('base64url')}`;
}
