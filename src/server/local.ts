import { ConfigError } from '../app/settings.js';
import { DataDirInUseError } from '../adapters/local/data-dir-lock.js';
import { localConfigFromEnv, startLocalStack } from './local-stack.js';

/** `npm start`: the local stack in the foreground until SIGTERM or SIGINT. */
async function main(): Promise<void> {
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true'; // no CloudWatch here; EMF lines would only be noise
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'; // Lambda runs Node 22; locally Node 20 is supported
  let config;
  try {
    config = localConfigFromEnv(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  let stack;
  try {
    stack = await startLocalStack(config);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    if (error instanceof DataDirInUseError) {
      console.error(error.message);
      process.exit(3);
    }
    if (isPortInUse(error)) {
      console.error(`port ${config.port} on ${config.host} is already in use (another \`make dev\`?): stop it, or start with another port, e.g. PORT=3001`);
      process.exit(4);
    }
    throw error;
  }
  // Handlers first: a signal right after the 'listening' line must find them installed.
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: finishing requests in flight, then stopping`);
    stack
      .stop()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        console.error('shutdown failed', error);
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  if (stack.adminTokenGenerated) {
    console.log(`admin token (generated once, kept in ${config.dataDir}/admin-token): ${stack.adminToken}`);
  }
  console.log(`listening on ${stack.url}`);
}

function isPortInUse(error: unknown): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
