import type { FieldNode, FragmentDefinitionNode, GraphQLResolveInfo, SelectionSetNode } from 'graphql';

/**
 * The names of the fields the operation selects at `path` below the field being resolved (`['edges', 'node']` for a
 * connection's nodes), through fragments and aliases, sorted; null when nothing is selected there. `@skip`/`@include`
 * are not evaluated: at worst a statement reads a column unasked.
 */
export function selectedFields(info: GraphQLResolveInfo, path: readonly string[] = []): string[] | null {
  let sets = info.fieldNodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
  for (const name of path) {
    sets = sets.flatMap((set) => fieldsOf(set, info.fragments))
      .flatMap((field) => (field.name.value === name && field.selectionSet ? [field.selectionSet] : []));
  }
  if (sets.length === 0) return null;
  return [...new Set(sets.flatMap((set) => fieldsOf(set, info.fragments)).map((field) => field.name.value))].sort();
}

function fieldsOf(set: SelectionSetNode, fragments: Record<string, FragmentDefinitionNode>): FieldNode[] {
  return set.selections.flatMap((selection) => {
    if (selection.kind === 'Field') return [selection];
    const inner = selection.kind === 'InlineFragment' ? selection.selectionSet : fragments[selection.name.value]?.selectionSet;
    return inner ? fieldsOf(inner, fragments) : [];
  });
}
