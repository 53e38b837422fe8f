import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { jwtVerify, SignJWT } from 'jose';
import { unauthenticated } from '../shared/errors';
import { ANONYMOUS, Role, Viewer } from './viewer';

const ISSUER = 'khabar';
const ROLES = new Set<Role>(['EDITOR', 'ADMIN']);

/** Signs and verifies HS256 bearer tokens. */
export class TokenService {
  private readonly key: Uint8Array;

  constructor(secret: string) {
    this.key = new TextEncoder().encode(secret);
  }

  sign(role: Role, name: string, expiresIn = '12h'): Promise<string> {
    return new SignJWT({ role, name })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(ISSUER)
      .setSubject(name)
      .setIssuedAt()
      .setExpirationTime(expiresIn)
      .sign(this.key);
  }

  /** The viewer behind an `Authorization` header value; anonymous without one, UNAUTHENTICATED when invalid. */
  async viewerFrom(authorization: string | undefined): Promise<Viewer> {
    if (!authorization) return ANONYMOUS;
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match) throw unauthenticated('The Authorization header must be "Bearer <token>".');
    try {
      // HS256 only (no `none`, no public-key algorithm a forger could key with something public), our issuer, and an
      // expiry: a token without one would never end.
      const { payload } = await jwtVerify(match[1], this.key, { issuer: ISSUER, algorithms: ['HS256'], requiredClaims: ['exp'] });
      const role = payload.role as Role;
      if (!ROLES.has(role)) throw new Error('unknown role');
      return {
        role, subject: payload.sub ?? null, name: typeof payload.name === 'string' ? payload.name : null,
        expiresAt: payload.exp === undefined ? null : payload.exp * 1000,
      };
    } catch {
      throw unauthenticated('The token is invalid or expired.');
    }
  }
}

/** JWT_SECRET when set; otherwise a random secret kept under the data directory so tokens survive restarts. */
export function resolveJwtSecret(configured: string | undefined, dataDir: string): string {
  if (configured) return configured;
  const file = path.join(dataDir, 'jwt-secret');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  fs.mkdirSync(dataDir, { recursive: true });
  const secret = crypto.randomBytes(32).toString('base64url');
  fs.writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
