import type { AlertKind, PendingNotification } from './types.js';

/**
 * What a person reads at 3 a.m. on a phone: what, where, when, and what to
 * do. English and French (the original users are French).
 */
export type Language = 'en' | 'fr';

export interface DeviceLabel {
  deviceId: string;
  name: string | null;
  location: string | null;
}

export interface RenderedNotification {
  /** ASCII, under 100 characters (SNS e-mail subjects). */
  subject: string;
  /** E-mail and JSON-line body. */
  message: string;
  /** At most 160 characters. */
  sms: string;
}

const TITLES: Record<Language, Record<AlertKind, string>> = {
  en: { fire: 'FIRE', heat: 'HEAT', smoke: 'SMOKE', co2: 'CO2', offline: 'BOARD OFFLINE' },
  fr: { fire: 'FEU', heat: 'CHALEUR', smoke: 'FUMÉE', co2: 'CO2', offline: 'CAPTEUR HORS LIGNE' },
};

const WORDS = {
  en: { resolved: 'Resolved', reminder: 'Reminder', escalated: 'now CRITICAL', warning: 'warning', critical: 'critical', at: 'at', on: 'on', unacked: 'Still active and not acknowledged: acknowledge it to stop these reminders.' },
  fr: { resolved: 'Terminé', reminder: 'Rappel', escalated: 'maintenant CRITIQUE', warning: 'alerte', critical: 'critique', at: 'à', on: 'le', unacked: "Toujours active et non acquittée : acquittez-la pour arrêter ces rappels." },
} as const;

const ADVICE: Record<Language, Record<AlertKind | 'co2-critical' | 'resolved', string>> = {
  en: {
    fire: 'Check the room now. If there is a fire, evacuate and call the fire brigade (112).',
    heat: 'Check the room now for a fire or an overheating appliance. Evacuate if in doubt.',
    smoke: 'Check the room now for smoke or fire. Evacuate if in doubt and call 112.',
    co2: 'Air the room: open windows, check the ventilation.',
    'co2-critical': 'Leave the room and air it: CO2 at this level causes headaches and drowsiness.',
    offline: "Check the board's power supply and network. Its room is not watched meanwhile.",
    resolved: 'No action needed.',
  },
  fr: {
    fire: "Vérifiez la salle immédiatement. En cas de feu, évacuez et appelez les pompiers (18 ou 112).",
    heat: "Vérifiez la salle immédiatement : feu ou appareil en surchauffe. Évacuez en cas de doute.",
    smoke: "Vérifiez la salle immédiatement : fumée ou feu. Évacuez en cas de doute et appelez le 18.",
    co2: 'Aérez la salle : ouvrez les fenêtres, vérifiez la ventilation.',
    'co2-critical': "Faites sortir les occupants et aérez : à ce niveau le CO2 provoque maux de tête et somnolence.",
    offline: "Vérifiez l'alimentation et le réseau du boîtier. La salle n'est pas surveillée en attendant.",
    resolved: 'Aucune action nécessaire.',
  },
};

const num = (n: number | boolean, digits = 1) => (typeof n === 'number' ? String(Math.round(n * 10 ** digits) / 10 ** digits) : String(n));
const minutes = (seconds: number | boolean) => (typeof seconds === 'number' ? Math.round(seconds / 60) : 0);

function measurement(lang: Language, n: PendingNotification): string {
  const fr = lang === 'fr';
  const resolved = n.transition === 'resolved';
  const limit = resolved ? (fr ? 'sous' : 'below') : fr ? 'seuil' : 'limit';
  switch (n.kind) {
    case 'fire':
      return resolved ? (fr ? 'plus de flamme détectée' : 'no flame detected any more') : fr ? 'flamme détectée' : 'flame detected';
    case 'heat':
      if (!resolved && n.byRate) {
        return fr ? `température en hausse de ${num(n.value)} °C/min (seuil ${num(n.threshold)} °C/min)` : `temperature rising ${num(n.value)} °C/min (limit ${num(n.threshold)} °C/min)`;
      }
      return `${fr ? 'température' : 'temperature'} ${num(n.value)} °C (${limit} ${num(n.threshold)} °C)`;
    case 'smoke':
      return `${fr ? 'fumée' : 'smoke'} ${num(Number(n.value) * 100, 0)} % ${fr ? "de l'échelle" : 'of scale'} (${limit} ${num(Number(n.threshold) * 100, 0)} %)`;
    case 'co2':
      return `CO2 ${num(n.value, 0)} ppm (${limit} ${num(n.threshold, 0)} ppm)`;
    case 'offline':
      return resolved
        ? fr ? `de nouveau en ligne après ${minutes(n.value)} min de silence` : `back online after ${minutes(n.value)} min of silence`
        : fr ? `aucune donnée depuis ${minutes(n.value)} min (seuil ${minutes(n.threshold)} min)` : `no reading for ${minutes(n.value)} min (limit ${minutes(n.threshold)} min)`;
  }
}

function place(device: DeviceLabel): string {
  const label = device.name ? `${device.name} (${device.deviceId})` : device.deviceId;
  return device.location ? `${label}, ${device.location}` : label;
}

/** SNS subjects must be ASCII, without line breaks, under 100 characters. */
export function asciiSubject(text: string): string {
  const folded = text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[—–]/g, '-')
    .replace(/°/g, ' deg ')
    .replace(/\s+/g, ' ')
    .replace(/[^\x20-\x7e]/g, '')
    .trim();
  return folded.length > 99 ? `${folded.slice(0, 98)}~` : folded;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function renderNotification(n: PendingNotification, device: DeviceLabel, lang: Language): RenderedNotification {
  const w = WORDS[lang];
  const title = TITLES[lang][n.kind];
  const time = `${n.at.slice(11, 19)} UTC`;
  const severity = n.kind === 'co2' ? ` ${n.severity === 'critical' ? w.critical : w.warning}` : '';
  const head =
    n.transition === 'resolved' ? `${w.resolved}: ${title}` : n.transition === 'reminder' ? `${w.reminder}: ${title}${severity}` : n.transition === 'escalated' ? `${title} ${w.escalated}` : `${title}${severity}`;
  const what = measurement(lang, n);
  const advice =
    n.transition === 'resolved' ? ADVICE[lang].resolved : n.kind === 'co2' && n.severity === 'critical' ? ADVICE[lang]['co2-critical'] : ADVICE[lang][n.kind];
  const subject = asciiSubject(`${head} - ${device.name ?? device.deviceId}: ${what} ${w.at} ${time}`);
  const lines = [
    `${head} — ${place(device)}: ${what} ${w.at} ${time} (${n.at.slice(0, 10)}).`,
    '',
    advice,
  ];
  if (n.transition === 'reminder') lines.push('', w.unacked);
  lines.push('', `alert ${n.alertId} · ${n.kind} · ${n.severity} · ${n.transition} · raised ${n.raisedAt}`);
  const sms = clip(`${head} — ${device.name ?? device.deviceId}: ${what} ${w.at} ${time}. ${advice}`, 160);
  return { subject, message: lines.join('\n'), sms };
}
