import { api, ApiError, token } from './api.mjs';
import { askToken } from './auth.mjs';
import { h } from './dom.mjs';
import { formatAgo, formatDateTime, t } from './i18n.mjs';
import { formatAlertValue } from './format.mjs';
import { classify, deviceName, pollNow, store } from './store.mjs';
import { thresholdsOf } from './thresholds.mjs';
import { ALERT_KINDS, type Alert, type AlertKind } from './types.mjs';
import type { View } from './view.mjs';
import { severityBadge } from './widgets.mjs';

const RECENT = 50;

function time(iso: string): HTMLElement {
  return h('time', { datetime: iso, title: formatDateTime(iso) }, formatAgo(iso));
}

/**
 * Acknowledges with the admin token, asking for it when none is held or the
 * one held is refused. Resolves true once acknowledged.
 */
export async function acknowledge(alert: Alert, say: (message: string, error?: boolean) => void): Promise<boolean> {
  let error: string | null = null;
  for (;;) {
    if (!token.get() || error) {
      if (!(await askToken('auth.needWrite', error))) return false;
    }
    try {
      await api.acknowledge(alert.alertId);
      say(t('alerts.ackDone'));
      void pollNow();
      return true;
    } catch (e) {
      if (e instanceof ApiError && (e.status === 401 || e.status === 403)) {
        // A refused token (401) is forgotten at once: with public_read on, reads with it would fail too.
        // A 403 is a token that only reads (a read token): kept, so cancelling leaves the dashboard as it was.
        if (e.status === 401) token.forgetTyped();
        error = t(e.status === 401 ? 'auth.refused' : 'auth.forbidden');
        say(error, true);
        continue;
      }
      say(t('error.generic', { message: e instanceof Error ? e.message : String(e) }), true);
      return false;
    }
  }
}

/** Active and recently resolved alerts, filtered by board and kind; acknowledge (admin). */
export function alertsView(main: HTMLElement, params: URLSearchParams): View {
  let board = params.get('board') ?? '';
  let kind = (params.get('kind') ?? '') as AlertKind | '';
  let recent: Alert[] = [];
  let destroyed = false;
  const heading = h('h1', { tabindex: '-1' }, t('alerts.title'));
  const message = h('p', { class: 'message', role: 'status' });
  const filters = h('form', { class: 'filters', 'aria-label': t('alerts.filters') });
  filters.addEventListener('submit', (event) => event.preventDefault());
  const activeBox = h('section', { 'aria-labelledby': 'active-title' });
  const recentBox = h('section', { 'aria-labelledby': 'recent-title' });
  main.replaceChildren(heading, filters, message, activeBox, recentBox);

  const say = (text: string, error = false) => {
    message.textContent = text;
    message.classList.toggle('form-error', error);
  };

  const matches = (a: Alert) => (!board || a.deviceId === board) && (!kind || a.kind === kind);

  function remember(): void {
    const q = new URLSearchParams();
    if (board) q.set('board', board);
    if (kind) q.set('kind', kind);
    const query = q.toString();
    history.replaceState(null, '', `#/alerts${query ? `?${query}` : ''}`);
  }

  function renderFilters(): void {
    const devices = store.devices ?? [];
    const boardSelect = h(
      'select',
      { id: 'filter-board', name: 'board' },
      h('option', { value: '' }, t('alerts.all')),
      devices.map((d) => h('option', { value: d.deviceId, selected: d.deviceId === board }, d.name ? `${d.name} (${d.deviceId})` : d.deviceId)),
    );
    const kindSelect = h(
      'select',
      { id: 'filter-kind', name: 'kind' },
      h('option', { value: '' }, t('alerts.all')),
      ALERT_KINDS.map((k) => h('option', { value: k, selected: k === kind }, t(`kind.${k}`))),
    );
    boardSelect.addEventListener('change', () => {
      board = boardSelect.value;
      remember();
      void refreshRecent();
      render();
    });
    kindSelect.addEventListener('change', () => {
      kind = kindSelect.value as AlertKind | '';
      remember();
      render();
    });
    const focused = document.activeElement?.id;
    filters.replaceChildren(
      h('div', { class: 'field' }, h('label', { for: 'filter-board' }, t('alerts.board')), boardSelect),
      h('div', { class: 'field' }, h('label', { for: 'filter-kind' }, t('alerts.kind')), kindSelect),
    );
    if (focused === 'filter-board' || focused === 'filter-kind') document.getElementById(focused)?.focus();
  }

  function item(alert: Alert): HTMLElement {
    const device = store.devices?.find((d) => d.deviceId === alert.deviceId);
    const name = deviceName(alert.deviceId);
    const ackButton =
      alert.status === 'active' && !alert.acknowledgedAt
        ? h(
            'button',
            {
              type: 'button',
              class: 'ack',
              'data-key': `ack-${alert.alertId}`,
              'aria-label': t('alerts.ackFor', { kind: t(`kind.${alert.kind}`), name }),
              onclick: async (event: Event) => {
                const button = event.currentTarget as HTMLButtonElement;
                button.disabled = true;
                const done = await acknowledge(alert, say);
                if (!done && button.isConnected) button.disabled = false;
              },
            },
            t('alerts.ack'),
          )
        : null;
    return h(
      'li',
      { class: `alert-item sev-${alert.severity} status-${alert.status}`, 'data-alert': alert.alertId, 'data-kind': alert.kind },
      h(
        'div',
        { class: 'alert-head' },
        severityBadge(alert.severity, alert.kind),
        h('a', { href: `#/board/${encodeURIComponent(alert.deviceId)}` }, name),
      ),
      h('p', { class: 'alert-value' }, formatAlertValue(alert, thresholdsOf(device))),
      h(
        'p',
        { class: 'alert-times' },
        h('span', {}, t('alerts.raised', { time: '' }), time(alert.raisedAt)),
        alert.resolvedAt ? h('span', {}, t('alerts.resolved', { time: '' }), time(alert.resolvedAt)) : null,
        alert.acknowledgedAt
          ? h('span', { class: 'acked' }, h('span', { 'aria-hidden': 'true' }, '✓ '), t('alerts.acked', { time: '' }), time(alert.acknowledgedAt))
          : alert.status === 'active'
            ? h('span', { class: 'not-acked' }, t('alerts.notAcked'))
            : null,
      ),
      ackButton,
    );
  }

  function list(items: Alert[], id: string, title: string): HTMLElement[] {
    return [
      h('h2', { id }, `${title} (${items.length})`),
      items.length === 0 ? h('p', { class: 'empty' }, t('alerts.none')) : h('ul', { class: 'alert-list' }, items.map(item)),
    ];
  }

  let signature = '';
  function render(): void {
    heading.textContent = t('alerts.title');
    const active = store.active.filter(matches);
    const resolved = recent.filter((a) => a.status === 'resolved' && matches(a)).slice(0, RECENT);
    const sig = JSON.stringify([active, resolved, board, kind, store.devices?.length]) + Math.floor(Date.now() / 30_000);
    if (sig === signature) return;
    signature = sig;
    const focusKey = document.activeElement instanceof HTMLElement ? document.activeElement.dataset.key : undefined;
    activeBox.replaceChildren(...list(active, 'active-title', t('alerts.active')));
    recentBox.replaceChildren(...list(resolved, 'recent-title', t('alerts.recent')));
    if (focusKey) main.querySelector<HTMLElement>(`[data-key="${CSS.escape(focusKey)}"]`)?.focus();
  }

  async function refreshRecent(): Promise<void> {
    try {
      recent = await api.alerts({ status: 'resolved', ...(board ? { deviceId: board } : {}) }, 1, 200);
    } catch (error) {
      classify(error);
    }
    if (!destroyed) render();
  }

  renderFilters();
  render();
  void refreshRecent();
  let polls = 0;
  return {
    update: () => {
      // Recent (resolved) alerts change less often: every other poll.
      if (++polls % 2 === 0) void refreshRecent();
      if (document.activeElement?.tagName !== 'SELECT') renderFilters();
      render();
    },
    destroy: () => {
      destroyed = true;
    },
    focus: () => heading.focus(),
  };
}
