import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';

/** An ISO 3166-2:MA code as stored: "MA-" and two or three upper-case letters or digits, e.g. "MA-04" or "MA-KEN". */
export const REGION_CODE_PATTERN = /^MA-[0-9A-Z]{2,3}$/;

/** The same, in any case; ASCII only (a case-insensitive test without the `u` flag never folds other letters into ASCII). */
const ANY_CASE = new RegExp(REGION_CODE_PATTERN.source, 'i');

/**
 * The one rule for a region code that comes in (article inputs and filters, tickers, subscriptions, `region(code:)`,
 * region upserts): spaces around it are dropped, it must then be an ISO 3166-2:MA code in any letter case, and it is
 * used upper case, as codes are stored. Null when it is not a code.
 */
export function parseRegionCode(raw: string): string | null {
  return ANY_CASE.test(raw.trim()) ? normalizeRegionCode(raw) : null;
}

/** A code that passed IsRegionCode (or parseRegionCode), in its stored form. */
export function normalizeRegionCode(valid: string): string {
  return valid.trim().toUpperCase();
}

/** The message for a value of `field` that is not a region code. */
export function regionCodeMessage(field: string, many = false): string {
  return many
    ? `${field} must be ISO 3166-2:MA codes such as "MA-04" or "MA-KEN"`
    : `${field} must be an ISO 3166-2:MA code such as "MA-04" or "MA-KEN"`;
}

/** class-validator rule for region codes in inputs (with `{ each: true }` for lists); use them through normalizeRegionCode. */
export function IsRegionCode(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) => {
    registerDecorator({
      name: 'isRegionCode',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && parseRegionCode(value) !== null,
        defaultMessage: (args?: ValidationArguments) => regionCodeMessage(args?.property ?? 'code', !!options?.each),
      },
    });
  };
}
