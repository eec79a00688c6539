import { Agent } from './agent.js';
import { ConfigError, loadConfig } from './config.js';
import { BUILD_TIME_MS } from './clock.js';
import { createLogger, errText } from './log.js';

declare const __FIREMON_VERSION__: string | undefined;
const VERSION = typeof __FIREMON_VERSION__ === 'string' ? __FIREMON_VERSION__ : 'dev';

const USAGE = `firemon device agent ${VERSION}
usage: node agent.mjs --config <file> [--drain | --check-config]
  --config <file>   JSON configuration (see device/config.example.json)
  --drain           upload what is queued, take no sample, exit 0 when the queue is empty
  --check-config    validate the configuration, print it (without the key) and exit
  --version         print the version and the build time`;

function parseArgs(argv: string[]): { config?: string; drain: boolean; check: boolean; version: boolean; help: boolean } {
  const out = { config: undefined as string | undefined, drain: false, check: false, version: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--config' || a === '-c') out.config = argv[++i];
    else if (a.startsWith('--config=')) out.config = a.slice('--config='.length);
    else if (a === '--drain') out.drain = true;
    else if (a === '--check-config') out.check = true;
    else if (a === '--version') out.version = true;
    else if (a === '--help' || a === '-h') out.help = true;
    else throw new ConfigError(`unknown argument: ${a}`);
  }
  return out;
}

async function main(): Promise<number> {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${errText(err)}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if (args.version) {
    process.stdout.write(`${VERSION} built ${new Date(BUILD_TIME_MS).toISOString()}\n`);
    return 0;
  }
  const configPath = args.config ?? process.env.FIREMON_CONFIG;
  if (!configPath) {
    process.stderr.write(`--config is required\n${USAGE}\n`);
    return 2;
  }
  let cfg;
  try {
    cfg = loadConfig(configPath);
  } catch (err) {
    // On stderr (a parent that ignores the agent's logs still shows it); exit 78 = EX_CONFIG.
    process.stderr.write(JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: 'bad configuration', error: errText(err) }) + '\n');
    return 78;
  }
  if (args.check) {
    process.stdout.write(JSON.stringify({ ...cfg, deviceKey: '(set)' }, null, 2) + '\n');
    return 0;
  }
  const log = createLogger(cfg.logLevel, undefined, { deviceId: cfg.deviceId });
  let agent: Agent;
  try {
    agent = new Agent(cfg, { log });
  } catch (err) {
    log.error('agent could not start', { error: errText(err) });
    return 1;
  }

  let stopping: Promise<void> | undefined;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    log.info('signal received: stopping cleanly', { signal });
    stopping = agent.stop().then(
      () => process.exit(0),
      (err) => {
        log.error('error while stopping', { error: errText(err) });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('uncaughtException', (err) => {
    log.error('uncaught exception: exiting (systemd restarts the agent)', { error: errText(err), stack: err.stack });
    try {
      agent.queue.close();
    } catch {
      /* exiting anyway */
    }
    process.exit(1);
  });
  process.on('unhandledRejection', (err) => {
    log.error('unhandled rejection: exiting (systemd restarts the agent)', { error: errText(err) });
    try {
      agent.queue.close();
    } catch {
      /* exiting anyway */
    }
    process.exit(1);
  });

  if (args.drain) {
    await agent.drain();
    await agent.stop();
    return 0;
  }
  agent.start();
  return await new Promise<number>(() => undefined); // runs until a signal
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`fatal: ${errText(err)}\n`);
    process.exit(1);
  },
);
