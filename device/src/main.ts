import { Agent } from './agent.js';
import { ConfigError, loadConfig } from './config.js';
import { BUILD_TIME_MS } from './clock.js';
import { parseArgs as parseCli } from 'node:util';
import { createLogger, errText } from './log.js';
import { readStatus } from './status.js';

declare const __FIREMON_VERSION__: string | undefined;
const VERSION = typeof __FIREMON_VERSION__ === 'string' ? __FIREMON_VERSION__ : 'dev';
/** `--drain` could not send everything (held readings, API unreachable): they stay queued. */
const EXIT_DRAIN_LEFT = 3;

const USAGE = `firemon device agent ${VERSION}
usage: node agent.mjs [status] --config <file> [--drain | --check-config]
  status            print what the agent took and lost (queue depth, oldest pending, drops by reason,
                    clock, last upload, sensor faults) from its queue folder, and exit (safe while it runs)
  --config <file>   JSON configuration (see device/config.example.json)
  --drain           upload what can be sent, take no sample, exit 0 when the queue is empty
                    (3 when readings are left: held for the clock, or the API unreachable)
  --check-config    validate the configuration, print it (without the key) and exit
  --version         print the version and the build time`;

interface Args {
  command?: 'status';
  config?: string;
  drain: boolean;
  check: boolean;
  version: boolean;
  help: boolean;
}

function parseArgs(argv: string[]): Args {
  let parsed;
  try {
    parsed = parseCli({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        config: { type: 'string', short: 'c' },
        drain: { type: 'boolean', default: false },
        'check-config': { type: 'boolean', default: false },
        version: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new Error(errText(err));
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1 || (positionals[0] !== undefined && positionals[0] !== 'status')) {
    throw new Error(`unknown command: ${positionals.join(' ')}`);
  }
  return {
    command: positionals[0] === 'status' ? 'status' : undefined,
    config: values.config,
    drain: values.drain === true,
    check: values['check-config'] === true,
    version: values.version === true,
    help: values.help === true,
  };
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
    const problems = err instanceof ConfigError ? err.problems : [errText(err)];
    process.stderr.write(JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: 'bad configuration', error: errText(err), problems }) + '\n');
    return 78;
  }
  if (args.command === 'status') {
    process.stdout.write(JSON.stringify(readStatus(cfg.queueDir, Date.now(), cfg.queue.stagingDir), null, 2) + '\n');
    return 0;
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
    const left = await agent.drain();
    await agent.stop();
    return left === 0 ? 0 : EXIT_DRAIN_LEFT;
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
