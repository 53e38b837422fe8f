/** Who is asking: anonymous readers, editors and admins (admins can do everything editors can). */
export type Role = 'EDITOR' | 'ADMIN';

export interface Viewer {
  /** Null for anonymous readers. */
  role: Role | null;
  /** Token subject, recorded as the author of revisions. */
  subject: string | null;
  name: string | null;
  /** When the token stops being valid (epoch milliseconds); null for anonymous readers. */
  expiresAt: number | null;
}

export const ANONYMOUS: Viewer = Object.freeze({ role: null, subject: null, name: null, expiresAt: null });

export function hasRole(viewer: Viewer, required: Role): boolean {
  return viewer.role === 'ADMIN' || viewer.role === required;
}

export function isEditor(viewer: Viewer): boolean {
  return viewer.role !== null;
}
