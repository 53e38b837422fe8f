import { Field, ID, InterfaceType } from 'type-graphql';

@InterfaceType('Node', { description: 'An object with a global id (Relay), fetchable with `node(id:)`.' })
export abstract class Node {
  @Field(() => ID, { description: 'Opaque global id.' })
  id: string;
}
