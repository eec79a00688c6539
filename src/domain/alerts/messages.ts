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
  en: { fire: 'FIRE', heat: 'HEAT', smoke: 'SMOKE', co2: 'CO2', offline: 'BOARD OFFLINE', fault: 'TROUBLE' },
  // "Dérangement" is the French fire-alarm word for a trouble signal.
  fr: { fire: 'FEU', heat: 'CHALEUR', smoke: 'FUMÉE', co2: 'CO2', offline: 'BOÎTIER HORS LIGNE', fault: 'DÉRANGEMENT' },
};

const WORDS = {
  en: {
    resolved: 'Resolved', reminder: 'Reminder', escalated: 'now CRITICAL', changed: 'changed', unacknowledged: 'NOT ACKNOWLEDGED', warning: 'warning', critical: 'critical', at: 'at',
    unacked: 'Still active and not acknowledged: acknowledge it to stop these reminders.',
    nobody: 'Nobody has acknowledged this critical alert since it was raised. Check the room now or reach someone on site, then acknowledge it.',
    late: 'Late reading: measured at {at}, received only now (the board was offline or its clock was wrong).',
    afterSilence: 'Still active after the silence (drill or maintenance) that covered it ended.',
    footer: 'alert {id} · {kind} · {severity} · {transition} · raised {raisedAt}',
  },
  fr: {
    resolved: "Fin d'alarme", reminder: 'Rappel', escalated: 'désormais CRITIQUE', changed: 'modifié', unacknowledged: 'NON ACQUITTÉE', warning: 'alerte', critical: 'critique', at: 'à',
    unacked: 'Toujours active et non acquittée : acquittez-la pour arrêter ces rappels.',
    nobody: "Personne n'a acquitté cette alarme critique depuis son déclenchement. Vérifiez la salle immédiatement ou joignez quelqu'un sur place, puis acquittez-la.",
    late: "Mesure transmise en retard : relevée à {at}, reçue seulement maintenant (boîtier hors ligne ou horloge fausse).",
    afterSilence: "Toujours active à la fin de la mise hors service (exercice ou maintenance) qui la couvrait.",
    footer: 'alerte {id} · {kind} · {severity} · {transition} · déclenchée le {raisedAt}',
  },
} as const;

type Advice = AlertKind | 'co2-critical' | 'resolved';
const ADVICE: Record<Language, Record<Advice, string>> = {
  en: {
    fire: 'Check the room now. If there is a fire, evacuate and call the fire brigade ({emergency}).',
    heat: 'Check the room now for a fire or an overheating appliance. Evacuate if in doubt and call {emergency}.',
    smoke: 'Check the room now for smoke or fire. Evacuate if in doubt and call {emergency}.',
    co2: 'Air the room: open windows, check the ventilation.',
    'co2-critical': 'Get people out of the room and air it: CO2 at this level causes headaches and drowsiness.',
    offline: "Check the board's power supply and network. Its room is not watched meanwhile.",
    fault: 'Have the board checked.',
    resolved: 'No action needed.',
  },
  fr: {
    fire: 'Vérifiez la salle immédiatement. En cas de feu, évacuez et appelez les secours ({emergency}).',
    heat: 'Vérifiez la salle immédiatement : feu ou appareil en surchauffe. Évacuez en cas de doute et appelez les secours ({emergency}).',
    smoke: 'Vérifiez la salle immédiatement : fumée ou feu. Évacuez en cas de doute et appelez les secours ({emergency}).',
    co2: 'Aérez la salle : ouvrez les fenêtres, vérifiez la ventilation.',
    'co2-critical': "Faites sortir les occupants et aérez : à ce niveau, le CO2 provoque maux de tête et somnolence.",
    offline: "Vérifiez l'alimentation et le réseau du boîtier. La salle n'est pas surveillée en attendant.",
    fault: 'Faites vérifier le boîtier.',
    resolved: 'Aucune action nécessaire.',
  },
};

/** What each fault means and what a facilities person does about it. */
const SOURCES: Record<Language, Record<string, string>> = {
  en: { co2: 'CO2 sensor', temperature: 'temperature sensor', humidity: 'humidity sensor', smoke: 'smoke sensor', flame: 'flame sensor' },
  fr: { co2: 'capteur de CO2', temperature: 'capteur de température', humidity: "capteur d'humidité", smoke: 'capteur de fumée', flame: 'capteur de flamme' },
};
const SENSOR_CODES: Record<Language, Record<string, string>> = {
  en: { disconnected: 'is disconnected', stuck: 'is stuck on one value', out_of_range: 'reads out of range', warming_up: 'is warming up', calibration: 'needs calibrating' },
  fr: { disconnected: 'est débranché', stuck: 'est bloqué sur une valeur', out_of_range: 'donne des valeurs hors plage', warming_up: 'est en préchauffage', calibration: 'doit être étalonné' },
};
const AGENT_CODES: Record<Language, Record<string, string>> = {
  en: { disk_full: "the board's storage is full", queue_full: 'the board had to drop readings (its queue was full)', clock: "the board's clock is not synchronised or was corrected" },
  fr: { disk_full: 'la mémoire du boîtier est pleine', queue_full: 'le boîtier a dû abandonner des mesures (file pleine)', clock: "l'horloge du boîtier n'est pas synchronisée ou a été corrigée" },
};
const FAULT_ADVICE: Record<Language, { unprotected: string; calibration: string; warming: string; agent: string; sensor: string }> = {
  en: {
    unprotected: 'This room is not protected against fire until it is fixed: have the sensor checked today and watch the room meanwhile.',
    calibration: 'Calibrate the CO2 sensor (in fresh outdoor air, see the board guide).',
    warming: 'A new or re-powered sensor warms up first: if this lasts more than 48 h, replace it.',
    agent: "Check the board's network, storage and time synchronisation.",
    sensor: 'Have the sensor checked and replaced if needed.',
  },
  fr: {
    unprotected: "Cette salle n'est pas protégée contre l'incendie tant que ce n'est pas réparé : faites vérifier le capteur aujourd'hui et surveillez la salle en attendant.",
    calibration: "Étalonnez le capteur de CO2 (à l'air libre extérieur, voir le guide du boîtier).",
    warming: "Un capteur neuf ou remis sous tension préchauffe d'abord : au-delà de 48 h, remplacez-le.",
    agent: "Vérifiez le réseau, la mémoire et la synchronisation de l'heure du boîtier.",
    sensor: 'Faites vérifier le capteur et remplacez-le si besoin.',
  },
};
const LIFE_SAFETY_SOURCES = new Set(['smoke', 'flame', 'temperature']);

const faultList = (value: unknown): string[] => (Array.isArray(value) ? value.filter((f): f is string => typeof f === 'string') : []);

export function describeFault(fault: string, lang: Language): string {
  const [source = '', code = ''] = fault.split(':');
  if (source === 'agent') return AGENT_CODES[lang][code] ?? fault;
  const what = SOURCES[lang][source];
  const how = SENSOR_CODES[lang][code];
  return what && how ? `${lang === 'fr' ? 'le' : 'the'} ${what} ${how}` : fault;
}

/** The most urgent advice first: a life-safety sensor that does not work leaves the room unprotected. */
function faultAdvice(faults: readonly string[], lang: Language): string {
  const a = FAULT_ADVICE[lang];
  const parsed = faults.map((f) => f.split(':') as [string, string]);
  const out: string[] = [];
  if (parsed.some(([s, c]) => LIFE_SAFETY_SOURCES.has(s) && c !== 'warming_up')) out.push(a.unprotected);
  if (parsed.some(([s, c]) => s === 'co2' && c === 'calibration')) out.push(a.calibration);
  if (parsed.some(([, c]) => c === 'warming_up')) out.push(a.warming);
  if (parsed.some(([s]) => s === 'agent')) out.push(a.agent);
  if (out.length === 0) out.push(a.sensor);
  return out.join(' ');
}

type Scalar = number | boolean | string[] | null;
const num = (n: Scalar, digits = 1) => (typeof n === 'number' ? String(Math.round(n * 10 ** digits) / 10 ** digits) : String(n));
const minutes = (seconds: Scalar) => (typeof seconds === 'number' ? Math.round(seconds / 60) : 0);

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
      return `${fr ? 'fumée' : 'smoke'} ${num(Number(n.value) * 100, 0)} % ${fr ? "de l'échelle du capteur" : "of the sensor's range"} (${limit} ${num(Number(n.threshold) * 100, 0)} %)`;
    case 'co2':
      return `CO2 ${num(n.value, 0)} ppm (${limit} ${num(n.threshold, 0)} ppm)`;
    case 'offline':
      return resolved
        ? fr ? `de nouveau en ligne après ${minutes(n.value)} min de silence` : `back online after ${minutes(n.value)} min of silence`
        : fr ? `aucune mesure depuis ${minutes(n.value)} min (seuil ${minutes(n.threshold)} min)` : `no reading for ${minutes(n.value)} min (limit ${minutes(n.threshold)} min)`;
    case 'fault': {
      const faults = faultList(n.value);
      if (resolved || faults.length === 0) return fr ? 'plus aucun défaut signalé' : 'no fault reported any more';
      return faults.map((f) => describeFault(f, lang)).join('; ');
    }
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

export interface RenderOptions {
  /** The emergency number named in the advice (deployment setting EMERGENCY_NUMBER). */
  emergencyNumber?: string;
}

const fill = (text: string, values: Record<string, string>) => text.replace(/\{(\w+)\}/g, (_, k: string) => values[k] ?? '');

function headline(n: PendingNotification, lang: Language): string {
  const w = WORDS[lang];
  const title = TITLES[lang][n.kind];
  const severity = n.kind === 'co2' ? ` ${n.severity === 'critical' ? w.critical : w.warning}` : '';
  switch (n.transition) {
    case 'resolved':
      return `${w.resolved}: ${title}`.replace(':', lang === 'fr' ? ' :' : ':');
    case 'reminder':
      return `${w.reminder}${lang === 'fr' ? ' :' : ':'} ${title}${severity}`;
    case 'escalated':
      return `${title} ${w.escalated}`;
    case 'changed':
      return `${title} ${w.changed}`;
    case 'unacknowledged':
      return `${w.unacknowledged}${lang === 'fr' ? ' :' : ':'} ${title}${severity}`;
    default:
      return `${title}${severity}`;
  }
}

function adviceFor(n: PendingNotification, lang: Language, emergency: string): string {
  if (n.transition === 'resolved') return ADVICE[lang].resolved;
  if (n.kind === 'fault') return faultAdvice(faultList(n.value), lang);
  const key: Advice = n.kind === 'co2' && n.severity === 'critical' ? 'co2-critical' : n.kind;
  return fill(ADVICE[lang][key], { emergency });
}

export function renderNotification(n: PendingNotification, device: DeviceLabel, lang: Language, options: RenderOptions = {}): RenderedNotification {
  const w = WORDS[lang];
  const head = headline(n, lang);
  const time = `${n.at.slice(11, 19)} UTC`;
  const colon = lang === 'fr' ? ' :' : ':';
  const what = measurement(lang, n);
  const advice = adviceFor(n, lang, options.emergencyNumber ?? '112');
  const subject = asciiSubject(`${head} - ${device.name ?? device.deviceId}${colon} ${what} ${w.at} ${time}`);
  const lines = [`${head} — ${place(device)}${colon} ${what} ${w.at} ${time} (${n.at.slice(0, 10)}).`, '', advice];
  if (n.late) lines.push('', fill(w.late, { at: `${n.at.slice(0, 10)} ${time}` }));
  if (n.afterSilence) lines.push('', w.afterSilence);
  if (n.transition === 'reminder') lines.push('', w.unacked);
  if (n.transition === 'unacknowledged') lines.push('', w.nobody);
  lines.push('', fill(w.footer, { id: n.alertId, kind: n.kind, severity: n.severity, transition: n.transition, raisedAt: n.raisedAt }));
  const sms = clip(`${head} — ${device.name ?? device.deviceId}${colon} ${what} ${w.at} ${time}. ${advice}`, 160);
  return { subject, message: lines.join('\n'), sms };
}

/** The start or end of a silence (drill, maintenance): who is no longer (or again) notified, until when, why. */
export function renderSilenceNotice(
  s: { deviceId: string | null; kinds: readonly AlertKind[] | null; until: string; endedAt: string | null; reason: string; silenceId: string },
  transition: 'silence_started' | 'silence_ended',
  at: string,
  lang: Language,
): RenderedNotification {
  const fr = lang === 'fr';
  const scope = s.deviceId ?? (fr ? 'tous les boîtiers' : 'all boards');
  const kinds = s.kinds ? s.kinds.map((k) => TITLES[lang][k]).join(', ') : fr ? 'toutes les alarmes' : 'all alarms';
  const time = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
  const head = transition === 'silence_started' ? (fr ? 'MISE HORS SERVICE' : 'SILENCE STARTED') : fr ? 'FIN DE MISE HORS SERVICE' : 'SILENCE ENDED';
  const body =
    transition === 'silence_started'
      ? fr
        ? `${kinds} de ${scope} ne sont plus notifiées jusqu'à ${time(s.until)} (motif : ${s.reason}). Les alarmes restent enregistrées ; celles encore actives à la fin seront notifiées.`
        : `${kinds} of ${scope} are not notified until ${time(s.until)} (reason: ${s.reason}). Alarms are still recorded; those still active at the end will be notified.`
      : fr
        ? `${kinds} de ${scope} sont de nouveau notifiées depuis ${time(at)} (motif de la mise hors service : ${s.reason}).`
        : `${kinds} of ${scope} are notified again from ${time(at)} (the silence was: ${s.reason}).`;
  const subject = asciiSubject(`${head} - ${scope}: ${s.reason}`);
  const message = [`${head} — ${body}`, '', `silence ${s.silenceId}`].join('\n');
  return { subject, message, sms: clip(`${head} — ${body}`, 160) };
}
