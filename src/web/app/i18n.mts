/** English and French: the browser's language picks one, the switch in the header overrides it (kept in localStorage). */

const en = {
  'app.title': 'Fire & CO₂ monitor',
  'app.skip': 'Skip to the content',
  'nav.main': 'Main',
  'nav.boards': 'Boards',
  'nav.alerts': 'Alerts',
  'lang.other': 'Français',
  'lang.otherCode': 'FR',
  'auth.signIn': 'Sign in',
  'auth.signOut': 'Sign out',
  'auth.title': 'Token',
  'auth.needRead': 'This dashboard is not public: enter the admin token or a read token to see it.',
  'auth.needWrite': 'Acknowledging an alert needs the admin token.',
  'auth.why': 'The admin token lets you acknowledge alerts.',
  'auth.keep': 'Kept in this browser tab only (sessionStorage) and forgotten when it closes.',
  'auth.cancel': 'Cancel',
  'auth.refused': 'This token was refused.',
  'auth.forbidden': 'This token may not do that (a read token only reads): the admin token is needed.',
  'auth.empty': 'Enter the token.',
  'conn.unreachable': 'The API cannot be reached; retrying. The data shown is from {ago}.',
  'conn.unreachableNever': 'The API cannot be reached; retrying.',
  'conn.error': 'The API answered {status}; retrying. The data shown is from {ago}.',
  'conn.stale': 'The data may be stale: last update {ago}.',
  'conn.live': 'Live, updated {ago}',
  'fleet.title': 'Boards',
  'fleet.empty': 'No board is registered yet.',
  'fleet.count.one': '{n} board',
  'fleet.count.other': '{n} boards',
  'fleet.alerts.one': '{n} active alert',
  'fleet.alerts.other': '{n} active alerts',
  'fleet.open': 'Charts of {name}',
  'status.online': 'Online',
  'status.offline': 'Offline',
  'status.never_seen': 'Never seen',
  'status.revoked': 'Key revoked',
  'seen.last': 'Last seen {ago}',
  'seen.never': 'No reading yet',
  'location.none': 'No location',
  'metric.co2': 'CO₂',
  'metric.temperature': 'Temperature',
  'metric.humidity': 'Humidity',
  'metric.smoke': 'Smoke',
  'metric.flame': 'Flame',
  'flame.yes': 'FLAME',
  'flame.no': 'None',
  'kind.fire': 'Fire',
  'kind.smoke': 'Smoke',
  'kind.heat': 'Heat',
  'kind.co2': 'CO₂',
  'kind.offline': 'Offline',
  'kind.fault': 'Trouble',
  'severity.warning': 'Warning',
  'severity.critical': 'Critical',
  'state.ok': 'No alert',
  'badge': '{severity}: {kind}',
  'unit.rh': '% RH',
  'state.alert': 'in alert',
  'alerts.title': 'Alerts',
  'alerts.active': 'Active',
  'alerts.recent': 'Recently resolved',
  'alerts.none': 'None.',
  'alerts.filters': 'Filters',
  'alerts.board': 'Board',
  'alerts.kind': 'Kind',
  'alerts.all': 'All',
  'alerts.raised': 'Raised {time}',
  'alerts.resolved': 'Resolved {time}',
  'alerts.acked': 'Acknowledged {time}',
  'alerts.notAcked': 'Not acknowledged',
  'alerts.ack': 'Acknowledge',
  'alerts.ackFor': 'Acknowledge the {kind} alert of {name}',
  'alerts.ackDone': 'Alert acknowledged.',
  'alerts.value': '{value} (threshold {threshold})',
  'alerts.silence': '{value} without data (limit {threshold})',
  'board.back': 'All boards',
  'board.notFound': 'There is no board {id}.',
  'board.latest': 'Latest reading, {time}',
  'board.range': 'Range',
  'range.1h': 'Last hour',
  'range.24h': 'Last 24 h',
  'range.7d': 'Last 7 days',
  'range.custom': 'Custom',
  'range.from': 'From',
  'range.to': 'To',
  'range.apply': 'Show',
  'range.invalid': 'The start must be before the end.',
  'board.loading': 'Loading readings… {n}',
  'board.loaded': '{n} readings from {from} to {to}.',
  'board.noData': 'No readings in this range.',
  'board.zoomHint': 'Drag across a chart to zoom in.',
  'board.charts': 'Charts',
  'board.alertsInRange': 'Alerts in this range',
  'board.thresholds': 'Dashed lines: alert thresholds (this board’s own, over the defaults); one beyond the chart is marked at its edge (↑ or ↓). Shaded: alert periods. A break in a line: no readings then.',
  'chart.summary': 'min {min}, max {max}, last {last}',
  'chart.warning': 'warning',
  'chart.critical': 'critical',
  'chart.time': 'Time',
  'chart.avg': 'average',
  'chart.min': 'min',
  'chart.max': 'max',
  'chart.bandKey': 'lowest to highest, per {step}',
  'chart.smokeTitle': 'Smoke (share of the sensor’s range, %)',
  'chart.smokeLevel': 'smoke suspected above',
  'chart.smokeSeen': 'smoke suspected',
  'chart.flameTitle': 'Flame detector',
  'chart.flameKey': 'flame seen',
  'chart.flameYes': 'flame seen',
  'chart.flameNo': 'none',
  'chart.flameSeen': 'flame seen, last at {time} ({n} in this range)',
  'chart.noFlame': 'no flame in this range',
  'range.30d': 'Last 30 days',
  'range.tooLong': 'This range is too long to chart (2,000 days at most).',
  'board.loadedAggregates': '{n} readings from {from} to {to}, one average per {step} (shaded: lowest to highest).',
  'csv.download': 'Download CSV',
  'csv.help': 'Every reading of the range shown, one row each, as a CSV file',
  'csv.preparing': 'Preparing the CSV file… {n} readings',
  'csv.saved': '{name}: {n} readings.',
  'error.generic': 'Something went wrong: {message}',
  'loading': 'Loading…',
  'values.stale': 'Old values ({ago}), not live',
  'metric.smokeValue': '{value} of range',
  'metric.smokeSuspected': '{value} of range: smoke suspected',
  'offline.silent': 'No data for {duration}',
  'title.more': '+{n} more',
  'alarm.off': 'Alarm sound: off',
  'alarm.on': 'Alarm sound: on',
  'alarm.help': 'Plays a sound and shows a browser notification when a new alert starts (this tab must stay open).',
  'alarm.denied': 'Browser notifications are blocked for this page: sound only.',
  'notFound.title': 'No such board',
  'notFound.text': 'There is no board “{id}”. The address may be mistyped, or the board was never registered.',
  'wall.title': 'Overview',
  'wall.allClear': 'All clear',
  'wall.otherBuilding': 'Other',
  'wall.updated': 'Updated {time}',
  'wall.empty': 'No board is registered yet.',
  'nav.report': 'Air-quality report',
  'report.title': 'Air-quality report',
  'report.from': 'From',
  'report.to': 'To (included)',
  'report.show': 'Show',
  'report.print': 'Print',
  'report.intro': 'From {from} to {to}. Occupied hours (ICONE): {hours}, {zone} time.',
  'report.readings': 'Readings',
  'report.coverage': 'Coverage (5-minute intervals with a reading)',
  'report.co2Max': 'CO₂ maximum',
  'report.co2Avg': 'CO₂ mean',
  'report.above': 'Time above {level} ppm',
  'report.icone': 'ICONE confinement index (occupied hours)',
  'report.iconeNone': 'not computed: less than one hour of readings in occupied hours',
  'report.icone0': 'no confinement',
  'report.icone1': 'low confinement',
  'report.icone2': 'average confinement',
  'report.icone3': 'high confinement',
  'report.icone4': 'very high confinement',
  'report.icone5': 'extreme confinement',
  'report.notes': 'Time above a level counts the 5-minute intervals whose mean CO₂ is above it. ICONE (CSTB) goes from 0 to 5 and is computed over the CO₂ readings taken in occupied hours.',
} as const;

export type MessageKey = keyof typeof en;

const fr: Record<MessageKey, string> = {
  'app.title': 'Surveillance incendie et CO₂',
  'app.skip': 'Aller au contenu',
  'nav.main': 'Principal',
  'nav.boards': 'Boîtiers',
  'nav.alerts': 'Alertes',
  'lang.other': 'English',
  'lang.otherCode': 'EN',
  'auth.signIn': 'Se connecter',
  'auth.signOut': 'Se déconnecter',
  'auth.title': 'Jeton',
  'auth.needRead': 'Ce tableau de bord n’est pas public : saisissez le jeton d’administration ou un jeton de lecture pour le voir.',
  'auth.needWrite': 'Acquitter une alerte demande le jeton d’administration.',
  'auth.why': 'Le jeton d’administration permet d’acquitter les alertes.',
  'auth.keep': 'Gardé dans cet onglet seulement (sessionStorage) et oublié à sa fermeture.',
  'auth.cancel': 'Annuler',
  'auth.refused': 'Ce jeton a été refusé.',
  'auth.forbidden': 'Ce jeton ne le permet pas (un jeton de lecture ne fait que lire) : il faut le jeton d’administration.',
  'auth.empty': 'Saisissez le jeton.',
  'conn.unreachable': 'L’API est injoignable ; nouvel essai en cours. Les données affichées datent de {ago}.',
  'conn.unreachableNever': 'L’API est injoignable ; nouvel essai en cours.',
  'conn.error': 'L’API a répondu {status} ; nouvel essai en cours. Les données affichées datent de {ago}.',
  'conn.stale': 'Les données ne sont peut-être plus à jour : dernière mise à jour {ago}.',
  'conn.live': 'En direct, mis à jour {ago}',
  'fleet.title': 'Boîtiers',
  'fleet.empty': 'Aucun boîtier n’est encore enregistré.',
  'fleet.count.one': '{n} boîtier',
  'fleet.count.other': '{n} boîtiers',
  'fleet.alerts.one': '{n} alerte en cours',
  'fleet.alerts.other': '{n} alertes en cours',
  'fleet.open': 'Graphiques de {name}',
  'status.online': 'En ligne',
  'status.offline': 'Hors ligne',
  'status.never_seen': 'Jamais connecté',
  'status.revoked': 'Clé révoquée',
  'seen.last': 'Dernier contact {ago}',
  'seen.never': 'Aucune mesure pour l’instant',
  'location.none': 'Sans emplacement',
  'metric.co2': 'CO₂',
  'metric.temperature': 'Température',
  'metric.humidity': 'Humidité',
  'metric.smoke': 'Fumée',
  'metric.flame': 'Flamme',
  'flame.yes': 'FLAMME',
  'flame.no': 'Aucune',
  'kind.fire': 'Feu',
  'kind.smoke': 'Fumée',
  'kind.heat': 'Chaleur',
  'kind.co2': 'CO₂',
  'kind.offline': 'Hors ligne',
  'kind.fault': 'Dérangement',
  'severity.warning': 'Avertissement',
  'severity.critical': 'Critique',
  'state.ok': 'Aucune alerte',
  'badge': '{severity} : {kind}',
  'unit.rh': '% HR',
  'state.alert': 'en alerte',
  'alerts.title': 'Alertes',
  'alerts.active': 'En cours',
  'alerts.recent': 'Terminées récemment',
  'alerts.none': 'Aucune.',
  'alerts.filters': 'Filtres',
  'alerts.board': 'Boîtier',
  'alerts.kind': 'Type',
  'alerts.all': 'Tous',
  'alerts.raised': 'Déclenchée {time}',
  'alerts.resolved': 'Terminée {time}',
  'alerts.acked': 'Acquittée {time}',
  'alerts.notAcked': 'Non acquittée',
  'alerts.ack': 'Acquitter',
  'alerts.ackFor': 'Acquitter l’alerte {kind} de {name}',
  'alerts.ackDone': 'Alerte acquittée.',
  'alerts.value': '{value} (seuil {threshold})',
  'alerts.silence': '{value} sans données (limite {threshold})',
  'board.back': 'Tous les boîtiers',
  'board.notFound': 'Il n’y a pas de boîtier {id}.',
  'board.latest': 'Dernière mesure, {time}',
  'board.range': 'Période',
  'range.1h': 'Dernière heure',
  'range.24h': 'Dernières 24 h',
  'range.7d': '7 derniers jours',
  'range.custom': 'Personnalisée',
  'range.from': 'Du',
  'range.to': 'Au',
  'range.apply': 'Afficher',
  'range.invalid': 'Le début doit précéder la fin.',
  'board.loading': 'Chargement des mesures… {n}',
  'board.loaded': '{n} mesures du {from} au {to}.',
  'board.noData': 'Aucune mesure sur cette période.',
  'board.zoomHint': 'Glissez sur un graphique pour zoomer.',
  'board.charts': 'Graphiques',
  'board.alertsInRange': 'Alertes sur cette période',
  'board.thresholds': 'Pointillés : seuils d’alerte (ceux du boîtier, sinon les valeurs par défaut) ; un seuil hors du graphique est signalé sur son bord (↑ ou ↓). Zones ombrées : périodes d’alerte. Ligne interrompue : aucune mesure à ce moment-là.',
  'chart.summary': 'min {min}, max {max}, dernière valeur {last}',
  'chart.warning': 'seuil d’avertissement',
  'chart.critical': 'seuil critique',
  'chart.time': 'Date et heure',
  'chart.avg': 'moyenne',
  'chart.min': 'min',
  'chart.max': 'max',
  'chart.bandKey': 'du plus bas au plus haut, par tranche de {step}',
  'chart.smokeTitle': 'Fumée (part de la plage du capteur, %)',
  'chart.smokeLevel': 'fumée suspectée au-dessus de',
  'chart.smokeSeen': 'fumée suspectée',
  'chart.flameTitle': 'Détecteur de flamme',
  'chart.flameKey': 'flamme détectée',
  'chart.flameYes': 'flamme détectée',
  'chart.flameNo': 'aucune',
  'chart.flameSeen': 'flamme détectée, la dernière fois le {time} ({n} sur cette période)',
  'chart.noFlame': 'aucune flamme sur cette période',
  'range.30d': '30 derniers jours',
  'range.tooLong': 'Cette période est trop longue pour un graphique (2 000 jours au plus).',
  'board.loadedAggregates': '{n} mesures du {from} au {to}, une moyenne par {step} (zone ombrée : du plus bas au plus haut).',
  'csv.download': 'Télécharger en CSV',
  'csv.help': 'Toutes les mesures de la période affichée, une ligne chacune, dans un fichier CSV',
  'csv.preparing': 'Préparation du fichier CSV… {n} mesures',
  'csv.saved': '{name} : {n} mesures.',
  'error.generic': 'Une erreur est survenue : {message}',
  'loading': 'Chargement…',
  'values.stale': 'Valeurs anciennes ({ago}), pas en direct',
  'metric.smokeValue': '{value} de la plage',
  'metric.smokeSuspected': '{value} de la plage : fumée suspectée',
  'offline.silent': 'Aucune donnée depuis {duration}',
  'title.more': '+{n} autres',
  'alarm.off': 'Alarme sonore : coupée',
  'alarm.on': 'Alarme sonore : active',
  'alarm.help': 'Joue un son et affiche une notification du navigateur quand une nouvelle alerte se déclenche (cet onglet doit rester ouvert).',
  'alarm.denied': 'Les notifications du navigateur sont bloquées pour cette page : son seulement.',
  'notFound.title': 'Boîtier inconnu',
  'notFound.text': 'Il n’y a pas de boîtier « {id} ». L’adresse est peut-être mal saisie, ou le boîtier n’a jamais été enregistré.',
  'wall.title': 'Vue d’ensemble',
  'wall.allClear': 'Tout va bien',
  'wall.otherBuilding': 'Autres',
  'wall.updated': 'Mis à jour à {time}',
  'wall.empty': 'Aucun boîtier n’est encore enregistré.',
  'nav.report': 'Rapport qualité de l’air',
  'report.title': 'Rapport qualité de l’air',
  'report.from': 'Du',
  'report.to': 'Au (inclus)',
  'report.show': 'Afficher',
  'report.print': 'Imprimer',
  'report.intro': 'Du {from} au {to}. Heures d’occupation (ICONE) : {hours}, heure de {zone}.',
  'report.readings': 'Mesures',
  'report.coverage': 'Couverture (intervalles de 5 minutes avec une mesure)',
  'report.co2Max': 'CO₂ maximal',
  'report.co2Avg': 'CO₂ moyen',
  'report.above': 'Durée au-dessus de {level} ppm',
  'report.icone': 'Indice de confinement ICONE (heures d’occupation)',
  'report.iconeNone': 'non calculé : moins d’une heure de mesures en heures d’occupation',
  'report.icone0': 'confinement nul',
  'report.icone1': 'confinement faible',
  'report.icone2': 'confinement moyen',
  'report.icone3': 'confinement élevé',
  'report.icone4': 'confinement très élevé',
  'report.icone5': 'confinement extrême',
  'report.notes': 'La durée au-dessus d’un seuil compte les intervalles de 5 minutes dont la moyenne de CO₂ le dépasse. L’indice ICONE (CSTB) va de 0 à 5 ; il est calculé sur les mesures de CO₂ prises pendant les heures d’occupation.',
};

export type Lang = 'en' | 'fr';
const messages: Record<Lang, Record<MessageKey, string>> = { en, fr };
const LANG_KEY = 'fire-co2.lang';

export function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(LANG_KEY);
    if (saved === 'en' || saved === 'fr') return saved;
  } catch {
    // storage disabled: follow the browser
  }
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag.toLowerCase().split('-')[0];
    if (base === 'fr') return 'fr';
    if (base === 'en') return 'en';
  }
  return 'en';
}

let lang: Lang = 'en';
let locale = 'en';

export function currentLang(): Lang {
  return lang;
}

/** For numbers and dates: the browser's own locale when it is of the chosen language (en-GB: 24-hour clock), else the language. */
export function currentLocale(): string {
  return locale;
}

export function setLang(next: Lang, remember: boolean): void {
  lang = next;
  const own = (navigator.languages ?? [navigator.language]).find((tag) => tag.toLowerCase().split('-')[0] === next);
  try {
    locale = own ? (Intl.getCanonicalLocales(own)[0] ?? next) : next;
  } catch {
    locale = next;
  }
  document.documentElement.lang = next;
  document.title = t('app.title');
  if (remember) {
    try {
      localStorage.setItem(LANG_KEY, next);
    } catch {
      // not remembered; still switched
    }
  }
}

export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  return messages[lang][key].replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}

export function plural(base: 'fleet.count' | 'fleet.alerts', n: number): string {
  const form = new Intl.PluralRules(locale).select(n) === 'one' ? 'one' : 'other';
  return t(`${base}.${form}`, { n: formatNumber(n, 0) });
}

export function formatNumber(value: number, fractionDigits: number): string {
  return new Intl.NumberFormat(locale, { minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits }).format(value);
}

/** "2 min. ago" / "il y a 2 min". */
export function formatAgo(iso: string | number, now = Date.now()): string {
  const then = typeof iso === 'number' ? iso : Date.parse(iso);
  const seconds = Math.round((then - now) / 1000);
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'short' });
  const abs = Math.abs(seconds);
  if (abs < 45) return rtf.format(seconds, 'second');
  if (abs < 45 * 60) return rtf.format(Math.round(seconds / 60), 'minute');
  if (abs < 22 * 3600) return rtf.format(Math.round(seconds / 3600), 'hour');
  return rtf.format(Math.round(seconds / 86400), 'day');
}

export function formatDateTime(iso: string | number): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(iso));
}

export function formatShortDateTime(iso: string | number): string {
  return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
}

/** Seconds as "12 min" / "1 h 5 min". */
export function formatDuration(seconds: number): string {
  const units = (n: number, unit: 'hour' | 'minute' | 'second') => new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'short' }).format(n);
  if (seconds < 60) return units(Math.round(seconds), 'second');
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return units(minutes, 'minute');
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? units(hours, 'hour') : `${units(hours, 'hour')} ${units(minutes % 60, 'minute')}`;
}
