import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';
import { badInput } from './errors';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** C0 and C1 control characters (NUL, line breaks, tabs, escapes); format characters such as RLM stay allowed. */
const CONTROL = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/;
/** The same, less the line breaks and tabs of multi-line text. */
const CONTROL_BUT_BREAKS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
/**
 * Anything a browser would parse as markup: a tag or closing tag (a letter right after "<" or "</"), a comment,
 * a doctype or a processing instruction. A bare "<" as in "x < y" stays text.
 */
const MARKUP = /<[/!?]?[a-z]|<!--/i;

export interface PlainTextRule {
  /** Length bounds in characters (code points) after trimming and NFC normalization. */
  min: number;
  max: number;
  /** Allows line breaks and tabs (bodies, summaries, notes); headlines and names are one line. */
  multiline?: boolean;
}

/** The stored form of a plain-text field: trimmed, NFC (so lengths and comparisons match what readers see). */
export function normalizePlainText(value: string): string {
  return value.trim().normalize('NFC');
}

/** Explicit bidi embeddings and overrides (LRE, RLE, LRO, RLO, closed by PDF) and isolates (LRI, RLI, FSI, closed by PDI). */
const BIDI_EXPLICIT = /[\u202A-\u202E\u2066-\u2069]/g;
const BIDI_OPENS_EMBEDDING = new Set(['\u202A', '\u202B', '\u202D', '\u202E']);
const BIDI_OPENS_ISOLATE = new Set(['\u2066', '\u2067', '\u2068']);

/**
 * True when every bidi embedding, override or isolate the text opens is closed inside it, in order: its effect stays
 * within the text, so an RLO in a headline cannot reverse what a page shows after it. Marks (LRM, RLM, ALM) are fine.
 */
export function bidiBalanced(value: string): boolean {
  const open: string[] = [];
  for (const [control] of value.matchAll(BIDI_EXPLICIT)) {
    if (BIDI_OPENS_EMBEDDING.has(control)) open.push('embedding');
    else if (BIDI_OPENS_ISOLATE.has(control)) open.push('isolate');
    else if (open.pop() !== (control === '\u202C' ? 'embedding' : 'isolate')) return false;
  }
  return open.length === 0;
}

/**
 * Why a string cannot be taken in at all, whatever field it is for, or null: a NUL byte (PostgreSQL refuses it), an
 * unpaired UTF-16 surrogate (not Unicode: it would be stored as U+FFFD), or a bidi control left open (it would flip
 * what is shown around the text). Every string argument and variable passes this rule (src/server/input-rule.ts).
 */
export function textProblem(field: string, value: string): string | null {
  if (value.includes('\u0000')) return `${field} must not contain NUL bytes`;
  if (LONE_SURROGATE.test(value)) return `${field} is not valid Unicode text (it holds an unpaired UTF-16 surrogate)`;
  if (!bidiBalanced(value)) {
    return `${field} opens a bidi embedding, override or isolate (U+202A–U+202E, U+2066–U+2069) without closing it, or closes one it did not open`;
  }
  return null;
}

/** Why `value` is not acceptable plain text, or null when it is. */
export function plainTextProblem(field: string, value: string, { min, max, multiline = false }: PlainTextRule): string | null {
  const unsafe = textProblem(field, value);
  if (unsafe) return unsafe;
  if (multiline ? CONTROL_BUT_BREAKS.test(value) : CONTROL.test(value)) {
    return multiline ? `${field} must not contain control characters` : `${field} must be a single line of text without control characters`;
  }
  if (MARKUP.test(value)) return `${field} is plain text: HTML tags and scripts are not allowed`;
  const length = [...normalizePlainText(value)].length;
  if (length < min || length > max) return `${field} must be ${min}–${max} characters long (got ${length})`;
  return null;
}

/** The normalized text, or BAD_USER_INPUT naming `field`; for scalar arguments, which class-validator does not see. */
export function requirePlainText(field: string, value: string, rule: PlainTextRule): string {
  const problem = plainTextProblem(field, value, rule);
  if (problem) throw badInput(problem, field);
  return normalizePlainText(value);
}

/** class-validator rule for plain-text input fields (with `{ each: true }` for lists of strings). */
export function IsPlainText(rule: PlainTextRule, options?: ValidationOptions): PropertyDecorator {
  const problemOf = (property: string, value: unknown) =>
    typeof value === 'string' ? plainTextProblem(property, value, rule) : `${property} must be text`;
  return (target, propertyName) => {
    registerDecorator({
      name: 'isPlainText',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown, args: ValidationArguments) => problemOf(args.property, value) === null,
        defaultMessage: (args?: ValidationArguments) => {
          if (!args) return 'invalid text';
          // With `each`, the message is built once for the whole list: report its first bad item.
          const values: unknown[] = options?.each && Array.isArray(args.value) ? args.value : [args.value];
          return values.map((value) => problemOf(args.property, value)).find((problem) => problem !== null) ?? 'invalid text';
        },
      },
    });
  };
}
