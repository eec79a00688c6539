// Runs in a child process under the node being tested (the host's, or Node 22
// from scripts/setup-node22.sh), in a folder holding only an unzipped Lambda zip:
// imports its index.mjs as ESM (a file, not `node -e`, which hides an import-time
// crash), then calls the handler with each event in turn, as Lambda would.
//   node lambda-smoke-child.mjs '<json: [event, ...]>'
// Last line of stdout: {"node": "v22…", "results": [{statusCode, body} | {returned: null} | {error}]}.
const events = JSON.parse(process.argv[2]);
const mod = await import(new URL('./index.mjs', import.meta.url).href);
if (typeof mod.handler !== 'function') {
  console.error('no handler exported');
  process.exit(1);
}
const context = (n) => ({
  functionName: 'smoke-fn', functionVersion: '$LATEST', invokedFunctionArn: 'arn:aws:lambda:eu-west-3:123456789012:function:smoke-fn',
  memoryLimitInMB: '512', awsRequestId: `smoke-req-${n}`, logGroupName: '/aws/lambda/smoke-fn', logStreamName: 'smoke',
  getRemainingTimeInMillis: () => 29_000, callbackWaitsForEmptyEventLoop: true, done() {}, fail() {}, succeed() {},
});
const results = [];
for (const [i, event] of events.entries()) {
  try {
    const r = await mod.handler(event, context(i));
    results.push(r && typeof r === 'object' && 'statusCode' in r ? { statusCode: r.statusCode, body: r.body ?? '' } : { returned: r ?? null });
  } catch (error) {
    results.push({ error: String(error?.stack ?? error) });
  }
}
console.log(`\n${JSON.stringify({ node: process.version, results })}`);
process.exit(0);
