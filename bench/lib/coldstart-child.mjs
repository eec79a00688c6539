// One cold start, in a fresh process (spawned by bench/coldstart.mjs):
// import a Lambda bundle as ESM, then invoke its handler twice (the first
// invocation of a container, then a warm one), timing each, and counting the
// bytes the handler writes to stdout during the warm invocation (what Lambda
// would ship to CloudWatch Logs, platform lines aside).
//   node coldstart-child.mjs <bundle.mjs> '<json: {first: event, second: event}>'
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const {
  positionals: [bundlePath, eventsJson],
} = parseArgs({ allowPositionals: true });
const { first, second } = JSON.parse(eventsJson);
const realWrite = process.stdout.write.bind(process.stdout);
let counting = false;
let logBytes = 0;
let logLines = 0;
process.stdout.write = (chunk, ...rest) => {
  if (counting) {
    logBytes += Buffer.byteLength(chunk);
    logLines += String(chunk).split('\n').filter(Boolean).length;
  }
  const cb = rest.find((r) => typeof r === 'function');
  if (cb) cb();
  return true; // swallowed: the parent only wants the result line
};
const context = (n) => ({
  functionName: 'bench-fn', functionVersion: '$LATEST', invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:bench-fn',
  memoryLimitInMB: '512', awsRequestId: `bench-req-${n}`, logGroupName: '/aws/lambda/bench-fn', logStreamName: 'bench',
  getRemainingTimeInMillis: () => 29_000, callbackWaitsForEmptyEventLoop: true, done() {}, fail() {}, succeed() {},
});

const t0 = performance.now();
const mod = await import(pathToFileURL(bundlePath).href);
const t1 = performance.now();
const r1 = await mod.handler(first, context(1));
const t2 = performance.now();
counting = true;
const r2 = await mod.handler(second ?? first, context(2));
const t3 = performance.now();
counting = false;
realWrite(`${JSON.stringify({
  importMs: t1 - t0, firstMs: t2 - t1, warmMs: t3 - t2,
  status1: r1?.statusCode ?? null, status2: r2?.statusCode ?? null, body1: r1?.body?.slice?.(0, 300) ?? null,
  warmLogBytes: logBytes, warmLogLines: logLines, rssKiB: Math.round(process.memoryUsage().rss / 1024),
})}\n`);
process.exit(0);
