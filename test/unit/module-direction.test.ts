import path from 'node:path';
import { importsOf, printGraph, upwardImports } from '../../scripts/module-graph';

/**
 * Imports that still point up, each to be removed by issue 20; the list may only shrink, so an entry that no longer
 * exists fails the test too.
 */
const NOT_YET_ONE_WAY: readonly string[] = [
];

describe('the rooms of src/ (scripts/module-graph.ts)', () => {
  const imports = importsOf(path.resolve(__dirname, '../..'));

  it('import only rooms below them: shared and db, realtime, reference data, article, then the features on top', () => {
    const upward = upwardImports(imports).map(({ from, to }) => `${from} → ${to}`);
    const graph = printGraph(imports);
    expect({ upward: upward.filter((edge) => !NOT_YET_ONE_WAY.includes(edge)), graph }).toEqual({ upward: [], graph });
    expect(NOT_YET_ONE_WAY.filter((edge) => !upward.includes(edge))).toEqual([]);
  });

  it('sees every kind of import', () => {
    const kinds = (file: string) => imports.filter((i) => i.from === file);
    // a type-only import, a value import and a dynamic import
    expect(kinds('src/app.ts')).toEqual(expect.arrayContaining([
      { from: 'src/app.ts', to: 'src/context.ts', typeOnly: true },
      { from: 'src/app.ts', to: 'src/config.ts', typeOnly: true },
      { from: 'src/app.ts', to: 'src/db/sql.ts', typeOnly: false },
      { from: 'src/app.ts', to: 'src/db/embedded.ts', typeOnly: false },
    ]));
  });
});
