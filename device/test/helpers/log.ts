import { createLogger, type Logger } from '../../src/log.js';

export interface CapturedLog {
  log: Logger;
  lines: Record<string, unknown>[];
  find(msg: string | RegExp): Record<string, unknown>[];
}

/** A logger that keeps its lines for the test to look at. */
export function captureLog(): CapturedLog {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger('debug', (line) => lines.push(JSON.parse(line) as Record<string, unknown>));
  return {
    log,
    lines,
    find: (msg) => lines.filter((l) => (typeof msg === 'string' ? String(l.msg).includes(msg) : msg.test(String(l.msg)))),
  };
}
