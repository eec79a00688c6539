import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Notifier, OutgoingNotification, OutgoingSilenceNotification } from '../../app/ports.js';

/** The local stack's notifier: one JSON line per notification in DATA_DIR/notifications.jsonl, also printed. */
export class FileNotifier implements Notifier {
  readonly path: string;

  constructor(dataDir: string, private readonly print: (line: string) => void = (line) => console.log(line)) {
    this.path = join(dataDir, 'notifications.jsonl');
  }

  async publish(n: OutgoingNotification | OutgoingSilenceNotification): Promise<void> {
    const line = 'silenceId' in n ? silenceLine(n) : JSON.stringify({
      transition: n.transition,
      alertId: n.alertId,
      deviceId: n.deviceId,
      kind: n.kind,
      severity: n.severity,
      value: n.value,
      threshold: n.threshold,
      at: n.at,
      ...(n.late ? { late: true } : {}),
      ...(n.afterSilence ? { afterSilence: true } : {}),
      sentAt: n.sentAt,
      latencyMs: n.latencyMs,
      subject: n.subject,
      message: n.message,
    });
    // One write with O_APPEND: lines from concurrent deliveries never interleave.
    await appendFile(this.path, `${line}\n`, { encoding: 'utf8', flag: 'a' });
    this.print(line);
  }
}

/** A silence's start or end: its fields flat beside at, subject and message. */
function silenceLine(n: OutgoingSilenceNotification): string {
  const { sms: _sms, ...fields } = n;
  return JSON.stringify(fields);
}
