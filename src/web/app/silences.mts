import { token } from './api.mjs';
import { h } from './dom.mjs';
import { currentLang, formatDateTime } from './i18n.mjs';

/**
 * Silences (fire drills, maintenance) on the dashboard: a banner for every
 * active silence that covers what the view shows (the fleet: all of them; a
 * board: those of that board or fleet-wide), with its reason and end, an End
 * button, and on the fleet view a form to start one. The API refuses the
 * writes without the admin token; the error is shown as it comes.
 */
interface Silence {
  silenceId: string;
  deviceId: string | null;
  kinds: string[] | null;
  until: string;
  reason: string;
}

const TEXT = {
  en: {
    banner: 'Notifications silenced', all: 'all boards', kinds: 'all alarms', until: 'until', end: 'End now', reason: 'Reason',
    start: 'Silence notifications (drill, maintenance)', duration: 'For', board: 'Board id (empty: all boards)', submit: 'Start silence',
    minutes: (n: number) => (n < 60 ? `${n} min` : `${n / 60} h`), note: 'Alarms are still recorded; those still active at the end are notified then.',
  },
  fr: {
    banner: 'Notifications suspendues', all: 'tous les boîtiers', kinds: 'toutes les alarmes', until: "jusqu'à", end: 'Terminer', reason: 'Motif',
    start: 'Suspendre les notifications (exercice, maintenance)', duration: 'Durée', board: 'Boîtier (vide : tous)', submit: 'Suspendre',
    minutes: (n: number) => (n < 60 ? `${n} min` : `${n / 60} h`), note: 'Les alarmes restent enregistrées ; celles encore actives à la fin sont alors notifiées.',
  },
} as const;
const DURATIONS = [15, 30, 60, 120, 240, 480, 1440];

async function send<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T | undefined> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const bearer = token.get();
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(new URL(path, document.baseURI).toString(), {
    method, headers, cache: 'no-store', credentials: 'omit', ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  const parsed = text ? (JSON.parse(text) as unknown) : undefined;
  if (!response.ok) throw new Error((parsed as { error?: { message?: string } } | undefined)?.error?.message ?? response.statusText);
  return parsed as T | undefined;
}

export interface SilencesPanel {
  element: HTMLElement;
  refresh(): Promise<void>;
  stop(): void;
}

/** `deviceId`: the board view's board (banners only); absent: the fleet view (banners and the form). */
export function silencesPanel(options: { deviceId?: string } = {}): SilencesPanel {
  const w = () => TEXT[currentLang()];
  const banners = h('div', { class: 'silences', role: 'status' });
  const problem = h('p', { class: 'silence-problem', role: 'alert' });
  const element = h('section', { class: 'silences-panel', 'aria-label': w().banner }, banners, problem);
  let stopped = false;

  const render = (items: Silence[]) => {
    const shown = items.filter((s) => options.deviceId === undefined || s.deviceId === null || s.deviceId === options.deviceId);
    banners.replaceChildren(
      ...shown.map((s) =>
        h(
          'div',
          { class: 'silence-banner', 'data-silence': s.silenceId },
          h('strong', {}, `${w().banner}: `),
          `${s.kinds ? s.kinds.join(', ') : w().kinds} · ${s.deviceId ?? w().all} · ${w().until} ${formatDateTime(s.until)} · ${w().reason}: `,
          h('span', { class: 'silence-reason' }, s.reason),
          ' ',
          h('button', { type: 'button', class: 'silence-end', onclick: () => void end(s.silenceId) }, w().end),
        ),
      ),
    );
  };

  const refresh = async () => {
    try {
      const page = await send<{ items: Silence[] }>('GET', 'v1/silences');
      if (!stopped) render(page?.items ?? []);
    } catch {
      // The fleet's own polling reports an unreachable API; a banner is best effort.
    }
  };

  const end = async (silenceId: string) => {
    problem.textContent = '';
    try {
      await send('DELETE', `v1/silences/${encodeURIComponent(silenceId)}`);
    } catch (error) {
      problem.textContent = String((error as Error).message);
    }
    await refresh();
  };

  if (options.deviceId === undefined) {
    const reason = h('input', { name: 'reason', required: true, maxlength: 200, 'aria-label': w().reason, placeholder: 'fire drill in Bâtiment A' });
    const duration = h('select', { name: 'duration', 'aria-label': w().duration }, DURATIONS.map((n) => h('option', { value: n, selected: n === 60 }, w().minutes(n))));
    const board = h('input', { name: 'deviceId', 'aria-label': w().board, placeholder: w().board });
    const form = h(
      'form',
      {
        class: 'silence-form',
        onsubmit: (event: Event) => {
          event.preventDefault();
          problem.textContent = '';
          const until = new Date(Date.now() + Number(duration.value) * 60_000).toISOString();
          const deviceId = board.value.trim();
          send('POST', 'v1/silences', { reason: reason.value, until, ...(deviceId ? { deviceId } : {}) })
            .then(() => {
              reason.value = '';
              return refresh();
            })
            .catch((error: unknown) => {
              problem.textContent = String((error as Error).message);
            });
        },
      },
      h('details', {}, h('summary', {}, w().start), h('p', { class: 'help' }, w().note), h('label', {}, `${w().reason} `, reason), ' ', h('label', {}, `${w().duration} `, duration), ' ', h('label', {}, board), ' ', h('button', { type: 'submit' }, w().submit)),
    );
    element.append(form);
  }

  void refresh();
  const timer = setInterval(() => void refresh(), 10_000);
  return {
    element,
    refresh,
    stop: () => {
      stopped = true;
      clearInterval(timer);
    },
  };
}
