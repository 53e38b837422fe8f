import { badInput } from '../../shared/errors';
import { decodeCursor } from '../../shared/relay';

/** A float's text form as PostgreSQL prints it (never NaN or Infinity for a rank). */
const FLOAT_TEXT = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?$/i;

/**
 * A keyset cursor led by a relevance rank kept as the exact text PostgreSQL printed for a real (float4): that text
 * round-trips to the same float4, where a JavaScript number would not, so the next page starts right after the row.
 */
export function decodeRankedCursor(kind: string, cursor: string, field: string, rest: ('string' | 'number')[]): (string | number)[] {
  const key = decodeCursor(kind, cursor, field, ['string', ...rest]);
  if (!FLOAT_TEXT.test(key[0] as string)) throw badInput(`Invalid cursor "${cursor.slice(0, 60)}".`, field);
  return key;
}
