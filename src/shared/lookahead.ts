import type { FieldNode, FragmentDefinitionNode, GraphQLResolveInfo, SelectionSetNode } from 'graphql';

/** What a lookahead reads of a field being resolved: its nodes in the operation and the operation's fragments. */
export type FieldSelection = Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>;

/**
 * The names of the fields the operation selects at `path` below the field being resolved (`['edges', 'node']` for a
 * connection's nodes), through fragments and aliases, sorted; null when nothing is selected there. `@skip`/`@include`
 * are not evaluated: at worst a statement reads a column unasked.
 */
export function selectedFields(info: FieldSelection, path: readonly string[] = []): string[] | null {
  let sets = info.fieldNodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
  for (const name of path) {
    sets = sets.flatMap((set) => fieldsOf(set, info.fragments))
      .flatMap((field) => (field.name.value === name && field.selectionSet ? [field.selectionSet] : []));
  }
  if (sets.length === 0) return null;
  return [...new Set(sets.flatMap((set) => fieldsOf(set, info.fragments)).map((field) => field.name.value))].sort();
}

/**
 * The field `name` selected right below the field being resolved, as GraphQL will resolve it: the nodes of its first
 * response key (the alias, else the name), through fragments, in document order; null when it is not selected.
 * `@skip`/`@include` are not evaluated, so what a caller reads ahead for it must also be right when it is not resolved.
 */
export function subfield(info: FieldSelection, name: string): FieldSelection | null {
  const nodes = info.fieldNodes.flatMap((node) => (node.selectionSet ? fieldsOf(node.selectionSet, info.fragments) : []));
  const first = nodes.find((node) => node.name.value === name);
  if (!first) return null;
  const key = (first.alias ?? first.name).value;
  return { fieldNodes: nodes.filter((node) => (node.alias ?? node.name).value === key), fragments: info.fragments };
}

function fieldsOf(set: SelectionSetNode, fragments: Record<string, FragmentDefinitionNode>): FieldNode[] {
  return set.selections.flatMap((selection) => {
    if (selection.kind === 'Field') return [selection];
    const inner = selection.kind === 'InlineFragment' ? selection.selectionSet : fragments[selection.name.value]?.selectionSet;
    return inner ? fieldsOf(inner, fragments) : [];
  });
}
