import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** C0 and C1 control characters (NUL, line breaks, tabs, escapes); format characters such as RLM stay allowed. */
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;
/** Anything a browser would parse as markup: a tag, a closing tag, a comment or a doctype. */
const MARKUP = /<\s*[/!?]?\s*[a-z]|<!--/i;

export interface PlainTextRule {
  /** Length bounds in characters (code points) after trimming and NFC normalization. */
  min: number;
  max: number;
}

/** The stored form of a plain-text field: trimmed, NFC (so lengths and comparisons match what readers see). */
export function normalizePlainText(value: string): string {
  return value.trim().normalize('NFC');
}

/** Why `value` is not acceptable single-line plain text, or null when it is. */
export function plainTextProblem(field: string, value: string, { min, max }: PlainTextRule): string | null {
  if (value.includes('\u0000')) return `${field} must not contain NUL bytes`;
  if (LONE_SURROGATE.test(value)) return `${field} is not valid Unicode text (it holds an unpaired UTF-16 surrogate)`;
  if (CONTROL.test(value)) return `${field} must be a single line of text without control characters`;
  if (MARKUP.test(value)) return `${field} is plain text: HTML tags and scripts are not allowed`;
  const length = [...normalizePlainText(value)].length;
  if (length < min || length > max) return `${field} must be ${min}–${max} characters long (got ${length})`;
  return null;
}

/** class-validator rule for single-line plain-text input fields (headlines, titles). */
export function IsPlainText(rule: PlainTextRule, options?: ValidationOptions): PropertyDecorator {
  const problemOf = ({ property, value }: ValidationArguments) =>
    typeof value === 'string' ? plainTextProblem(property, value, rule) : `${property} must be text`;
  return (target, propertyName) => {
    registerDecorator({
      name: 'isPlainText',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (_value: unknown, args: ValidationArguments) => problemOf(args) === null,
        defaultMessage: (args?: ValidationArguments) => (args && problemOf(args)) || 'invalid text',
      },
    });
  };
}
