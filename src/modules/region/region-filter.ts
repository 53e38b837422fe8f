import { badInput } from '../../shared/errors';
import { parseRegionCode } from './region-code';
import type { RegionService } from './region.service';

const MAX_REGION_CODES = 50;

/**
 * A `regionCodes` argument of a subscription, checked against the region table: the set of codes (sub-regions match
 * through the ancestors events carry), or null when there is no region filter. A bad code is BAD_USER_INPUT on regionCodes.
 */
export async function regionFilter(regions: RegionService, codes: string[] | null | undefined): Promise<Set<string> | null> {
  if (codes == null) return null;
  if (codes.length > MAX_REGION_CODES) throw badInput(`Pass at most ${MAX_REGION_CODES} region codes.`, 'regionCodes');
  const parsed = codes.map(parseRegionCode);
  const malformed = parsed.indexOf(null);
  if (malformed >= 0) throw badInput(`"${codes[malformed].slice(0, 20)}" is not an ISO 3166-2:MA code such as "MA-04".`, 'regionCodes');
  const valid = parsed as string[];
  const unknown = await regions.unknownCodes(valid);
  if (unknown.length > 0) throw badInput(`Unknown region code ${unknown.join(', ')}.`, 'regionCodes');
  return new Set(valid);
}
