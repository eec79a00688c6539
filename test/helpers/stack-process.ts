import { spawn, type ChildProcess } from 'node:child_process';
import { ADMIN_TOKEN } from './local-stack.js';

export interface StackProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/** The built local stack (`npm start`'s bundle) as its own process. */
export async function spawnStack(dataDir: string, env: Record<string, string> = {}, entry = 'dist/server/local.mjs'): Promise<StackProcess> {
  const child = spawn(process.execPath, [entry], {
    env: { ...process.env, PORT: '0', DATA_DIR: dataDir, ADMIN_TOKEN, POWERTOOLS_LOG_LEVEL: 'WARN', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((code) => reject(new Error(`stack exited with ${code} before listening:\n${output}`)));
    setTimeout(() => reject(new Error(`stack did not start in time:\n${output}`)), 20_000).unref();
  });
  return { child, url, output: () => output, exited };
}
