import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './helpers/bundle.js';
import { tmpDir } from './helpers/tmp.js';

const UNIT = join(REPO, 'device/systemd/firemon-agent.service');

describe('systemd unit', () => {
  it('has the hardening systemd-analyze security suggests that still lets the agent reach its sensors', () => {
    const text = readFileSync(UNIT, 'utf8');
    for (const line of ['RemoveIPC=yes', 'PrivateMounts=yes', 'ProtectProc=invisible', 'SystemCallFilter=@system-service', 'SystemCallFilter=~@privileged @resources @obsolete', 'NoNewPrivileges=yes', 'ProtectSystem=strict']) {
      expect(text.split('\n')).toContain(line);
    }
    // The group commit's RAM folder must outlive a restart of the agent (kill -9, watchdog exit 70): only a reboot empties it.
    for (const line of ['RuntimeDirectory=firemon-agent', 'RuntimeDirectoryPreserve=yes', 'RuntimeDirectoryMode=0700']) expect(text.split('\n')).toContain(line);
    // These would hide /dev/ttyS4 and /dev/i2c-* or make /sys read-only (GPIO export): see the unit's comments.
    for (const banned of [/^PrivateDevices=yes/m, /^ProtectKernelTunables=yes/m, /^DeviceAllow=/m, /^ProtectClock=yes/m]) expect(text).not.toMatch(banned);
  });

  it('systemd-analyze verify is clean (where systemd is present)', () => {
    if (spawnSync('systemd-analyze', ['--version'], { stdio: 'ignore' }).status !== 0) {
      if (process.env.REQUIRE_TOOLS === '1') throw new Error('systemd-analyze is missing (REQUIRE_TOOLS=1)');
      console.log('SKIPPED: systemd-analyze not available');
      return;
    }
    // verify checks that ExecStart's binary exists: point it at this machine's node when /usr/bin/node is absent.
    const dir = tmpDir('firemon-unit-');
    const copy = join(dir, 'firemon-agent.service');
    const text = readFileSync(UNIT, 'utf8');
    writeFileSync(copy, existsSync('/usr/bin/node') ? text : text.replace('/usr/bin/node', process.execPath));
    const r = spawnSync('systemd-analyze', ['verify', copy], { encoding: 'utf8' });
    expect(r.stderr.trim()).toBe('');
    expect(r.status).toBe(0);
  });
});
