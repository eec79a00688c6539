// The raw ceiling of benchmark 1, bundled by bench/ingest.mjs with esbuild and
// run as its own process, driven over IPC: dynalite started exactly as the
// local stack starts it (src/adapters/local/dynalite.ts, persisted under a
// fresh DATA_DIR), the tables created from src/adapters/dynamodb/tables.ts,
// and each reading written alone with a conditional PutItem (its own item in
// the readings table, `attribute_not_exists`), 16 in flight per batch: the raw
// per-reading write rate of the store, the ceiling the packed layout is
// measured against. No HTTP, no auth, no device record, no alerts.
//   message {write: {boards, batch, total, maxSeconds, stepMs}} -> {written, duplicates, seconds, batchMs}
//   message {exit: true}
import { startDynalite } from '../../src/adapters/local/dynalite.ts';
import { createLocalClients } from '../../src/adapters/dynamodb/client.ts';
import { ensureTables } from '../../src/adapters/dynamodb/create-tables.ts';
import { tableNamesForPrefix } from '../../src/adapters/dynamodb/tables.ts';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { parseArgs } from 'node:util';
import { isConditionalCheckFailed } from '../../src/adapters/dynamodb/client.ts';
import { forEachLimited } from '../../src/app/concurrency.ts';
import { normalReading } from './common.mjs';

const WRITE_CONCURRENCY = 16; // what the v1 ingest kept in flight per batch
const store = await startDynalite(parseArgs({ allowPositionals: true }).positionals[0]);
const tables = tableNamesForPrefix('local');
{
  const { base } = createLocalClients(store.endpoint);
  await ensureTables(base, tables);
  base.destroy();
}
const baseMs = Date.now() - 20 * 86_400_000;
const retentionDays = 90;
const seqs = new Map(); // per board, across phases: every reading is new

async function write({ boards, batch, total, maxSeconds, stepMs = 1000 }) {
  // A client per phase (as the stack's, createLocalClients): between phases this process idles for
  // seconds, and keep-alive sockets that dynalite closed meanwhile must not fail the next burst.
  const { base, db } = createLocalClients(store.endpoint);
  let failure;
  let next = 0;
  let written = 0;
  let duplicates = 0;
  const batchMs = [];
  const started = performance.now();
  const deadline = started + maxSeconds * 1000;
  await Promise.all(
    Array.from({ length: boards }, async (_, board) => {
      while (performance.now() < deadline && !failure) {
        const n = Math.min(batch, total - next);
        if (n <= 0) break;
        next += n;
        const receivedAt = new Date().toISOString();
        const items = [];
        for (let i = 0; i < n; i++) {
          const seq = seqs.get(board) ?? 0;
          seqs.set(board, seq + 1);
          items.push(normalReading(board, seq, baseMs + seq * stepMs));
        }
        const t0 = performance.now();
        try {
          await forEachLimited(items, WRITE_CONCURRENCY, async (reading) => {
            const expiresAt = Math.floor(Date.parse(reading.ts) / 1000) + retentionDays * 86_400;
            try {
              await db.send(new PutCommand({
                TableName: tables.readings,
                Item: { ...reading, deviceId: `bench-${board}`, bucket: `raw#${reading.id ?? reading.ts}`, receivedAt, expiresAt },
                ConditionExpression: 'attribute_not_exists(#b)',
                ExpressionAttributeNames: { '#b': 'bucket' },
              }));
              written++;
            } catch (error) {
              if (!isConditionalCheckFailed(error)) throw error;
              duplicates++;
            }
          });
        } catch (error) {
          failure ??= error; // the other loops stop at their next batch
        }
        batchMs.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  base.destroy();
  if (failure) throw failure;
  return { written, duplicates, seconds, batchMs };
}

process.on('message', (msg) => {
  if (msg.write) {
    write(msg.write).then((r) => process.send(r), (error) => process.send({ error: String(error?.stack ?? error) }));
  } else if (msg.exit) {
    store.close().then(() => process.exit(0));
  }
});
process.send({ ready: true });
