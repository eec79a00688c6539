import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { tableDefinitions, type TableDefinition, type TableNames } from './tables.js';

const keySchema = (keys: TableDefinition['keys']) => keys.map((k) => ({ AttributeName: k.name, KeyType: k.keyType }));

/** CreateTable input for one definition (on-demand, every index projecting all attributes). */
export function createTableInput(def: TableDefinition, tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: keySchema(def.keys),
    AttributeDefinitions: Object.entries(def.attributes).map(([name, type]) => ({ AttributeName: name, AttributeType: type })),
    ...(def.localIndexes.length > 0
      ? { LocalSecondaryIndexes: def.localIndexes.map((i) => ({ IndexName: i.name, KeySchema: keySchema(i.keys), Projection: { ProjectionType: 'ALL' } })) }
      : {}),
    ...(def.globalIndexes.length > 0
      ? { GlobalSecondaryIndexes: def.globalIndexes.map((i) => ({ IndexName: i.name, KeySchema: keySchema(i.keys), Projection: { ProjectionType: 'ALL' } })) }
      : {}),
  };
}

async function tableStatus(client: DynamoDBClient, name: string): Promise<string | undefined> {
  try {
    const out = await client.send(new DescribeTableCommand({ TableName: name }));
    return out.Table?.TableStatus;
  } catch (error) {
    if (error instanceof ResourceNotFoundException || (error instanceof Error && error.name === 'ResourceNotFoundException')) return undefined;
    throw error;
  }
}

/** Create the missing tables (local stack and tests; in AWS, Terraform does this) and wait until they are active. */
export async function ensureTables(client: DynamoDBClient, names: TableNames): Promise<void> {
  for (const def of tableDefinitions) {
    const name = names[def.logicalName];
    if ((await tableStatus(client, name)) === undefined) {
      try {
        await client.send(new CreateTableCommand(createTableInput(def, name)));
      } catch (error) {
        if (!(error instanceof Error && error.name === 'ResourceInUseException')) throw error;
      }
    }
    for (let attempt = 0; (await tableStatus(client, name)) !== 'ACTIVE'; attempt++) {
      if (attempt > 600) throw new Error(`table ${name} did not become ACTIVE`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
