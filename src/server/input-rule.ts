import { DocumentNode, Kind, ValueNode, visit } from 'graphql';
import { textProblem } from '../shared/plain-text';

/** No argument of the graph takes a longer string (an article body block holds at most 20,000 characters). */
export const MAX_INPUT_STRING = 100_000;
/** No input type of the graph nests deeper than a few levels; JSON variables nested deeper are not a client of ours. */
export const MAX_VARIABLE_DEPTH = 32;

/** Why an operation's input cannot be taken in, naming the field as BAD_USER_INPUT errors do. */
export interface InputProblem {
  field: string;
  message: string;
}

type Path = (string | number)[];

/** What one document's literals say: the first bad string written in it, and where each variable is used. */
interface LiteralScan {
  problem: InputProblem | null;
  variablePaths: Map<string, Path>;
}

/**
 * The one rule every string coming in passes, whatever it is for (slugs, cursors, search queries, filters, ids,
 * headlines, bodies), before any resolver runs: written in the document or sent as a variable, over HTTP or
 * graphql-ws. A NUL byte, an unpaired surrogate, a bidi control left open (`textProblem`), a string over
 * MAX_INPUT_STRING characters or variables nested over MAX_VARIABLE_DEPTH levels are refused with BAD_USER_INPUT
 * naming the field, so nothing reaches PostgreSQL that it would refuse (NUL), silently change (surrogates) or store
 * to flip a page (bidi).
 */
export class InputRule {
  private readonly scans = new WeakMap<DocumentNode, LiteralScan>();

  problemOf(document: DocumentNode, variables: Record<string, unknown> | undefined): InputProblem | null {
    let scan = this.scans.get(document);
    if (!scan) this.scans.set(document, (scan = scanLiterals(document)));
    if (scan.problem) return scan.problem;
    if (!variables || typeof variables !== 'object') return null;
    for (const [name, value] of Object.entries(variables)) {
      const problem = valueProblem(value, scan.variablePaths.get(name) ?? [name]);
      if (problem) return problem;
    }
    return null;
  }
}

/** How errors name a field: inside an input object its own path (`body.0.text`), a list of strings by its name. */
export function fieldName(path: Path): string {
  const named = [...path];
  while (named.length > 1 && typeof named[named.length - 1] === 'number') named.pop();
  if (named.length > 1) named.shift();
  return named.join('.');
}

function stringProblem(value: string, path: Path): InputProblem | null {
  const field = fieldName(path);
  if (value.length > MAX_INPUT_STRING) return { field, message: `${field} is over ${MAX_INPUT_STRING} characters long` };
  const message = textProblem(field, value);
  return message ? { field, message } : null;
}

/** Walks a variable's JSON value without recursion, so no nesting can overflow the stack. */
function valueProblem(root: unknown, rootPath: Path): InputProblem | null {
  const stack: { value: unknown; path: Path }[] = [{ value: root, path: rootPath }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (typeof value === 'string') {
      const problem = stringProblem(value, path);
      if (problem) return problem;
    } else if (Array.isArray(value) || isPlainObject(value)) {
      if (path.length - rootPath.length >= MAX_VARIABLE_DEPTH) {
        const field = fieldName(path);
        return { field, message: `${field} is nested more than ${MAX_VARIABLE_DEPTH} levels deep` };
      }
      const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((item, index): [number, unknown] => [index, item]) : Object.entries(value);
      for (let i = entries.length - 1; i >= 0; i -= 1) stack.push({ value: entries[i][1], path: [...path, entries[i][0]] });
    }
  }
  return null;
}

/**
 * What JSON parsing makes: the values the rule walks. A file put in place of a variable by the multipart upload is not
 * one, and walking its bytes as properties (millions of them) held a 12 MP upload for 1.5 s and 800 MB.
 */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function scanLiterals(document: DocumentNode): LiteralScan {
  const scan: LiteralScan = { problem: null, variablePaths: new Map() };
  const walk = (node: ValueNode, path: Path): void => {
    if (scan.problem) return;
    switch (node.kind) {
      case Kind.STRING:
        scan.problem = stringProblem(node.value, path);
        return;
      case Kind.VARIABLE:
        if (!scan.variablePaths.has(node.name.value)) scan.variablePaths.set(node.name.value, path);
        return;
      case Kind.LIST:
        node.values.forEach((item, index) => walk(item, [...path, index]));
        return;
      case Kind.OBJECT:
        for (const field of node.fields) walk(field.value, [...path, field.name.value]);
        return;
      default:
    }
  };
  const defaults: [string, ValueNode][] = [];
  visit(document, {
    VariableDefinition(node) {
      if (node.defaultValue) defaults.push([node.variable.name.value, node.defaultValue]);
      return false;
    },
    Argument(node) {
      walk(node.value, [node.name.value]);
      return false;
    },
  });
  // Default values of variables are input too, named where their variable is used.
  for (const [name, value] of defaults) walk(value, scan.variablePaths.get(name) ?? [name]);
  return scan;
}
