import type * as v from 'valibot';
import type { AirQualityReportSchema } from '../../domain/air-quality.js';
import { call } from './api.mjs';
import { h } from './dom.mjs';
import { currentLang, formatDateTime, formatNumber, t, type MessageKey } from './i18n.mjs';
import type { View } from './view.mjs';

type Report = v.InferOutput<typeof AirQualityReportSchema>;
type Room = Report['items'][number];

const DAY_MS = 86_400_000;
/** The form shows calendar days; a range ends at the midnight after its last day (browser's time). */
const dayInput = (ms: number) => {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};
const localMidnight = (day: string) => new Date(`${day}T00:00:00`).getTime();

/** The range asked for in the hash, or the last 30 days (today included). */
export function reportRange(params: URLSearchParams, now = Date.now()): { from: string; to: string } {
  const from = params.get('from');
  const to = params.get('to');
  if (from && to && Number.isFinite(Date.parse(from)) && Number.isFinite(Date.parse(to))) return { from, to };
  const end = localMidnight(dayInput(now)) + DAY_MS;
  return { from: new Date(end - 30 * DAY_MS).toISOString(), to: new Date(end).toISOString() };
}

const ICONE_LEVELS: readonly MessageKey[] = ['report.icone0', 'report.icone1', 'report.icone2', 'report.icone3', 'report.icone4', 'report.icone5'];

function row(label: string, value: string, key: string): HTMLElement {
  return h('tr', { 'data-row': key }, h('th', { scope: 'row' }, label), h('td', {}, value));
}

function roomTable(room: Room): HTMLElement {
  const ppm = (x: number | null) => (x === null ? '—' : `${formatNumber(x, 0)} ppm`);
  const hours = (x: number) => `${formatNumber(x, 1)} h`;
  const icone = room.icone === null ? t('report.iconeNone') : `${room.icone} — ${t(ICONE_LEVELS[room.icone] ?? 'report.icone5')}`;
  const title = room.name ?? room.deviceId;
  return h(
    'table',
    { class: 'report-room', 'data-device': room.deviceId },
    h('caption', {}, h('span', { class: 'report-room-name' }, title), ' ', h('span', { class: 'report-room-meta' }, [room.location, room.deviceId].filter(Boolean).join(' · '))),
    h(
      'tbody',
      {},
      row(t('report.readings'), formatNumber(room.readings, 0), 'readings'),
      row(t('report.coverage'), `${formatNumber(room.coverage * 100, 1)} %`, 'coverage'),
      row(t('report.co2Max'), ppm(room.co2.max), 'co2-max'),
      row(t('report.co2Avg'), ppm(room.co2.avg), 'co2-avg'),
      row(t('report.above', { level: 800 }), hours(room.co2.hoursAbove['800']), 'above-800'),
      row(t('report.above', { level: 1000 }), hours(room.co2.hoursAbove['1000']), 'above-1000'),
      row(t('report.above', { level: 1500 }), hours(room.co2.hoursAbove['1500']), 'above-1500'),
      row(t('report.icone'), icone, 'icone'),
    ),
  );
}

/**
 * `#/report?from=&to=`: the air-quality report of every room, one table
 * each, ready to print (the print style hides the page's chrome and the form).
 */
export function reportView(main: HTMLElement, params: URLSearchParams): View {
  let range = reportRange(params);
  const heading = h('h1', { tabindex: '-1' });
  const intro = h('p', { class: 'summary report-intro' });
  const status = h('p', { class: 'message', role: 'status' });
  const fromInput = h('input', { type: 'date', name: 'from', required: true, value: dayInput(Date.parse(range.from)) });
  const toInput = h('input', { type: 'date', name: 'to', required: true, value: dayInput(Date.parse(range.to) - 1) });
  const fromLabel = h('label', {}, h('span', {}), fromInput);
  const toLabel = h('label', {}, h('span', {}), toInput);
  const show = h('button', { type: 'submit' });
  const print = h('button', { type: 'button', class: 'report-print' });
  const form = h('form', { class: 'filters report-form' }, fromLabel, toLabel, show, print);
  const rooms = h('div', { class: 'report-rooms' });
  const notes = h('p', { class: 'help report-notes' });
  main.replaceChildren(heading, form, intro, status, rooms, notes);

  let report: Report | undefined;
  let failed: string | undefined;
  /** Every room has answered. */
  let done = false;
  let controller = new AbortController();
  let renderedLang = currentLang();

  const render = () => {
    renderedLang = currentLang();
    heading.textContent = t('report.title');
    (fromLabel.firstChild as HTMLElement).textContent = t('report.from');
    (toLabel.firstChild as HTMLElement).textContent = t('report.to');
    show.textContent = t('report.show');
    print.textContent = t('report.print');
    notes.textContent = t('report.notes');
    intro.textContent = report
      ? t('report.intro', { from: formatDateTime(report.from), to: formatDateTime(report.to), hours: report.occupiedHours, zone: report.timeZone })
      : '';
    status.textContent = failed ? t('error.generic', { message: failed }) : done ? '' : t('loading');
    rooms.setAttribute('aria-busy', String(!done && !failed));
    if (!report) return rooms.replaceChildren();
    rooms.replaceChildren(...(report.items.length ? report.items.map(roomTable) : [h('p', { class: 'empty' }, t('fleet.empty'))]));
  };

  /** Room by room (4 at a time), so that a large fleet's report is many short requests, each shown as it comes. */
  const load = () => {
    controller.abort();
    const mine = (controller = new AbortController());
    const asked = range;
    report = undefined;
    failed = undefined;
    done = false;
    render();
    const fail = (error: unknown) => {
      if (mine.signal.aborted) return;
      failed = error instanceof Error ? error.message : String(error);
      render();
    };
    (async () => {
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await call<{ items: { deviceId: string }[]; nextCursor?: string }>('GET', 'v1/devices', { limit: 1000, cursor }, mine.signal);
        ids.push(...page.items.map((d) => d.deviceId));
        cursor = page.nextCursor;
      } while (cursor);
      const items: (Room | undefined)[] = new Array(ids.length);
      let first: Report | undefined;
      let next = 0;
      const worker = async () => {
        while (next < ids.length && !mine.signal.aborted) {
          const index = next++;
          const answer = await call<Report>('GET', 'v1/reports/air-quality', { ...asked, deviceId: ids[index] }, mine.signal);
          first ??= answer;
          items[index] = answer.items[0];
          report = { ...first, items: items.filter((i): i is Room => i !== undefined) };
          render();
        }
      };
      await Promise.all(Array.from({ length: Math.min(4, ids.length) }, worker));
      if (ids.length === 0) {
        report = await call<Report>('GET', 'v1/reports/air-quality', asked, mine.signal);
        render();
      }
      done = !mine.signal.aborted;
      render();
    })().catch(fail);
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    range = { from: new Date(localMidnight(fromInput.value)).toISOString(), to: new Date(localMidnight(toInput.value) + DAY_MS).toISOString() };
    // The address names the range (bookmark, share, print again) without leaving this view.
    history.replaceState(null, '', `#/report?${new URLSearchParams(range).toString()}`);
    load();
  });
  print.addEventListener('click', () => window.print());
  // The router keeps this view while only the query changes (a link or a bookmark to another range): follow it.
  const onHash = () => {
    const [path = '', query = ''] = location.hash.replace(/^#/, '').split('?');
    if (path !== '/report') return;
    const next = reportRange(new URLSearchParams(query));
    if (next.from === range.from && next.to === range.to) return;
    range = next;
    fromInput.value = dayInput(Date.parse(range.from));
    toInput.value = dayInput(Date.parse(range.to) - 1);
    load();
  };
  window.addEventListener('hashchange', onHash);
  load();

  return {
    // The dashboard's polls do not change a report: redrawn only when the language does.
    update: () => {
      if (currentLang() !== renderedLang) render();
    },
    destroy: () => {
      controller.abort();
      window.removeEventListener('hashchange', onHash);
    },
    focus: () => heading.focus(),
  };
}
