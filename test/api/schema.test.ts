import fs from 'node:fs';
import path from 'node:path';
import { GraphQLSchema, isEnumType, isInputObjectType, isInterfaceType, isObjectType, isScalarType } from 'graphql';
import { buildKhabarSchema, printKhabarSchema } from '../../src/server/schema';

describe('schema.graphql', () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await buildKhabarSchema();
  });

  it('matches the committed file (run `npm run build` to update it)', () => {
    const committed = fs.readFileSync(path.resolve(__dirname, '../../schema.graphql'), 'utf8');
    expect(printKhabarSchema(schema)).toBe(committed);
  });

  it('describes every type, field, argument and enum value', () => {
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__') || (isScalarType(type) && !type.description && ['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name))) continue;
      if (!type.description) missing.push(type.name);
      if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) missing.push(`${type.name}.${field.name}`);
          for (const arg of 'args' in field ? field.args : []) if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
        }
      }
      if (isEnumType(type)) for (const value of type.getValues()) if (!value.description) missing.push(`${type.name}.${value.name}`);
    }
    expect(missing).toEqual([]);
  });
});
