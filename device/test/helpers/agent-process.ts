import { spawn, type ChildProcess } from 'node:child_process';

export interface AgentProcess {
  child: ChildProcess;
  /** Parsed JSON log lines so far. */
  logs: Record<string, unknown>[];
  /** Raw output that was not JSON (should stay empty). */
  other: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  count(msg: string): number;
}

/** Runs the bundled agent (`cmd` is the node to use: the host's, or qemu-arm + the armv7l node). */
export function spawnAgent(cmd: string[], bundle: string, config: string, extra: string[] = []): AgentProcess {
  const child = spawn(cmd[0]!, [...cmd.slice(1), bundle, '--config', config, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: Record<string, unknown>[] = [];
  const other: string[] = [];
  let buf = '';
  child.stdout!.on('data', (c: Buffer) => {
    buf += c.toString();
    const lines = buf.split('\n');
    buf = lines.pop()!;
    for (const l of lines) {
      if (!l.trim()) continue;
      try {
        logs.push(JSON.parse(l) as Record<string, unknown>);
      } catch {
        other.push(l);
      }
    }
  });
  child.stderr!.on('data', (c: Buffer) => other.push(c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  return { child, logs, other, exited, count: (msg) => logs.filter((l) => l.msg === msg).length };
}
