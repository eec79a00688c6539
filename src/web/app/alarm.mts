import { h } from './dom.mjs';
import { t } from './i18n.mjs';
import { deviceName } from './store.mjs';
import type { Alert, AlertKind } from './types.mjs';
import { SEVERITY_ICON } from './widgets.mjs';

/**
 * During an alert the tab itself says so: the worst active alert in the
 * title and a red (critical) or amber (warning) favicon, seen from another
 * tab or the taskbar. Opt-in: a sound and a browser notification when a new
 * alert starts (browsers allow sound only after a click, hence the button).
 */

/** Life safety first; within a rank the newest. */
const KIND_RANK: Record<string, number> = { fire: 0, smoke: 1, heat: 2, co2: 3, fault: 4, offline: 5 };

export function worstAlert(active: readonly Alert[]): Alert | undefined {
  const rank = (a: Alert) => (a.severity === 'critical' ? 0 : 10) + (KIND_RANK[a.kind] ?? 9);
  return [...active].sort((a, b) => rank(a) - rank(b) || b.raisedAt.localeCompare(a.raisedAt))[0];
}

/** "✖ Fire — Salle 101 (+2 more) · Fire & CO₂ monitor", or the plain title when nothing is active. */
export function titleFor(active: readonly Alert[]): string {
  const worst = worstAlert(active);
  if (!worst) return t('app.title');
  const more = active.length > 1 ? ` (${t('title.more', { n: active.length - 1 })})` : '';
  return `${SEVERITY_ICON[worst.severity]} ${t(`kind.${worst.kind as AlertKind}`)} — ${deviceName(worst.deviceId)}${more} · ${t('app.title')}`;
}

const COLOUR = { critical: '#dc2626', warning: '#d97706' } as const;

function alertIcon(severity: Alert['severity'], count: number): string {
  const label = count > 9 ? '9+' : String(count);
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="${COLOUR[severity]}"/>` +
    `<text x="16" y="23" font-family="sans-serif" font-size="${label.length > 1 ? 16 : 20}" font-weight="700" fill="#fff" text-anchor="middle">${label}</text></svg>`;
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}

let normalIcon: string | undefined;

/** Title, favicon and `data-worst` on <body> (for styles and tests) follow the active alerts. */
export function showWorstInTab(active: readonly Alert[]): void {
  document.title = titleFor(active);
  const link = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
  const worst = worstAlert(active);
  if (link) {
    normalIcon ??= link.href;
    const href = worst ? alertIcon(worst.severity, active.length) : normalIcon;
    if (link.href !== href) link.href = href;
  }
  document.body.dataset.worst = worst ? `${worst.severity}:${worst.kind}` : 'none';
}

const ALARM_KEY = 'fire-co2.alarm';
let enabled = false;
let audio: AudioContext | undefined;
let known: Set<string> | undefined;

function remembered(): boolean {
  try {
    return localStorage.getItem(ALARM_KEY) === 'on';
  } catch {
    return false;
  }
}

/** Three short beeps (a critical alert: five), made here: no sound file to load. */
function beep(critical: boolean): void {
  if (!audio) return;
  const start = audio.currentTime;
  for (let i = 0; i < (critical ? 5 : 3); i++) {
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = critical ? 960 : 660;
    gain.gain.setValueAtTime(0.25, start + i * 0.35);
    gain.gain.setValueAtTime(0, start + i * 0.35 + 0.2);
    osc.connect(gain).connect(audio.destination);
    osc.start(start + i * 0.35);
    osc.stop(start + i * 0.35 + 0.22);
  }
}

/** Called with every poll's active alerts: sounds and notifies once per new alert (none for those present when the page opened). */
export function announceNew(active: readonly Alert[]): void {
  const ids = new Set(active.map((a) => a.alertId));
  const fresh = known ? active.filter((a) => !known?.has(a.alertId)) : [];
  known = ids;
  if (!enabled || fresh.length === 0) return;
  const critical = fresh.some((a) => a.severity === 'critical');
  beep(critical);
  if (typeof Notification !== 'undefined' && Notification.permission === 'granted') {
    for (const a of fresh) {
      new Notification(`${t(`severity.${a.severity}`)}: ${t(`kind.${a.kind as AlertKind}`)} — ${deviceName(a.deviceId)}`, { tag: a.alertId, requireInteraction: a.severity === 'critical' });
    }
  }
}

/** The header's opt-in switch. Its state is remembered; sound needs one click per page load (browser rule). */
export function alarmButton(): { element: HTMLElement; render: () => void } {
  const button = h('button', { type: 'button', class: 'alarm', 'aria-pressed': 'false' });
  const note = h('span', { class: 'alarm-note', role: 'status' });
  const element = h('span', { class: 'alarm-box' }, button, note);
  enabled = false;
  const wanted = remembered();
  const render = () => {
    button.textContent = t(enabled ? 'alarm.on' : 'alarm.off');
    button.setAttribute('aria-pressed', String(enabled));
    button.title = t('alarm.help');
    note.textContent = enabled && typeof Notification !== 'undefined' && Notification.permission === 'denied' ? t('alarm.denied') : '';
    button.classList.toggle('alarm-wanted', wanted && !enabled);
  };
  button.addEventListener('click', async () => {
    enabled = !enabled;
    try {
      localStorage.setItem(ALARM_KEY, enabled ? 'on' : 'off');
    } catch {
      // not remembered
    }
    if (enabled) {
      audio ??= new AudioContext();
      void audio.resume();
      if (typeof Notification !== 'undefined' && Notification.permission === 'default') await Notification.requestPermission();
    }
    render();
  });
  render();
  return { element, render };
}
