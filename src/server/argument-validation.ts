import { validateOrReject, type ValidationError } from 'class-validator';
import { ArgumentValidationError, type ValidatorFn } from 'type-graphql';

/** type-graphql's defaults for class-validator (ours: unknown values are not forbidden). */
const VALIDATOR_OPTIONS = { forbidUnknownValues: false, skipMissingProperties: true };
/** Arguments longer than this as JSON (article bodies, say) are validated every time rather than remembered. */
const MAX_REMEMBERED_LENGTH = 1_024;
/** Distinct passing values remembered per argument class; past it, nothing more is added. */
const MAX_REMEMBERED = 2_000;

/**
 * type-graphql's argument validation (class-validator on each argument that is an object: page sizes, filters,
 * inputs), remembering which values passed: every validator Khabar declares looks at the value alone (sizes, lengths,
 * sets, region codes, plain text), so a value that passed once passes again, and a page of the same size as the
 * last one skips the validator's per-request metadata walk and promises (2 % of the front page's CPU). A value that
 * fails is validated every time and refused with the same ArgumentValidationError as type-graphql's own.
 */
export function rememberingValidation(): ValidatorFn {
  const passed = new WeakMap<object, Set<string>>();
  const validate = async (argValue: object, argType: object, key: string | undefined) => {
    try {
      if (Array.isArray(argValue)) {
        await Promise.all(argValue.filter((item) => item !== null && typeof item === 'object').map((item) => validateOrReject(item as object, VALIDATOR_OPTIONS)));
      } else {
        await validateOrReject(argValue, VALIDATOR_OPTIONS);
      }
    } catch (errors) {
      throw new ArgumentValidationError(errors as ValidationError[]);
    }
    if (key === undefined) return;
    let remembered = passed.get(argType);
    if (!remembered) passed.set(argType, (remembered = new Set()));
    if (remembered.size < MAX_REMEMBERED) remembered.add(key);
  };
  // Not async: most arguments are scalars or remembered, and answer without a promise of their own.
  return (argValue, argType) => {
    if (argValue === null || typeof argValue !== 'object') return undefined;
    const json = typeof argType === 'function' ? JSON.stringify(argValue) : undefined;
    const key = json !== undefined && json.length <= MAX_REMEMBERED_LENGTH ? json : undefined;
    if (key !== undefined && passed.get(argType as object)?.has(key)) return undefined;
    return validate(argValue, argType as object, key);
  };
}
