import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { token } from './api.mjs';
import { alertsView } from './alerts.mjs';
import { askToken, takeTokenFromAddress, tokenForm } from './auth.mjs';
import { alarmButton, announceNew, showWorstInTab } from './alarm.mjs';
import { boardPage } from './board-page.mjs';
import { h } from './dom.mjs';
import { fleetView } from './fleet.mjs';
import { currentLang, formatAgo, initialLang, setLang, t } from './i18n.mjs';
import { reportView } from './report.mjs';
import { pollNow, STALE_AFTER_MS, startPolling, store, subscribe } from './store.mjs';
import type { View } from './view.mjs';
import { wallView } from './wall.mjs';

/**
 * The dashboard: a header (navigation, language, sign in/out), a connection
 * line, and one view at a time chosen by the URL's hash: `#/` (fleet),
 * `#/board/<deviceId>?range=24h`, `#/alerts?board=&kind=`, `#/report?from=&to=` (the air-quality report), `#/wall` (a
 * reception screen: no navigation, large tiles; `#/wall?token=` for a kiosk). Hash routes keep
 * every URL on `GET /`, the only page the API serves.
 */

const iconHref = document.querySelector<HTMLLinkElement>('link[rel="icon"]')?.href ?? '';

const brand = h('a', { class: 'brand', href: '#/' });
const navBoards = h('a', { href: '#/' });
const navAlerts = h('a', { href: '#/alerts' });
const navReport = h('a', { href: '#/report' });
const nav = h('nav', { class: 'nav' }, navBoards, navAlerts, navReport);
const langButton = h('button', { type: 'button', class: 'lang' });
const authButton = h('button', { type: 'button', class: 'auth' });
const skip = h('button', { type: 'button', class: 'skip' });
const live = h('p', { class: 'live' });
const problem = h('p', { class: 'problem', role: 'status', 'aria-live': 'polite' });
const main = h('main', { id: 'main', tabindex: '-1' });
const alarm = alarmButton();
const header = h('header', { class: 'topbar' }, brand, nav, h('div', { class: 'tools' }, alarm.element, langButton, authButton));

let view: View | undefined;
let viewKey = '';

function route(force = false): void {
  takeTokenFromAddress();
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path = '/', query = ''] = hash.split('?');
  const params = new URLSearchParams(query);
  if (store.needToken) {
    showSignIn();
    return;
  }
  const key = path;
  if (!force && key === viewKey && view) return;
  view?.destroy();
  viewKey = key;
  const board = /^\/board\/(.+)$/.exec(path);
  document.body.classList.toggle('wall-mode', path === '/wall');
  if (board?.[1]) view = boardPage(main, decodeURIComponent(board[1]), params);
  else if (path === '/alerts') view = alertsView(main, params);
  else if (path === '/wall') view = wallView(main);
  else if (path === '/report') view = reportView(main, params);
  else view = fleetView(main);
  markCurrent(path);
}

function markCurrent(path: string): void {
  navBoards.toggleAttribute('aria-current', path === '/' || path.startsWith('/board/'));
  if (navBoards.hasAttribute('aria-current')) navBoards.setAttribute('aria-current', 'page');
  navAlerts.toggleAttribute('aria-current', path === '/alerts');
  if (navAlerts.hasAttribute('aria-current')) navAlerts.setAttribute('aria-current', 'page');
  navReport.toggleAttribute('aria-current', path === '/report');
  if (navReport.hasAttribute('aria-current')) navReport.setAttribute('aria-current', 'page');
}

let signInShown: string | null | undefined;

/**
 * Reads need the admin token (public_read is off): the whole page is a
 * sign-in form until one works. Shown again only when what it says changes,
 * so the polls do not wipe what is being typed.
 */
function showSignIn(): void {
  const error = store.tokenProblem ? t(store.tokenProblem === 'refused' ? 'auth.refused' : 'auth.forbidden') : null;
  if (viewKey === 'sign-in' && signInShown === error) return;
  view?.destroy();
  view = undefined;
  viewKey = 'sign-in';
  signInShown = error;
  main.replaceChildren(
    h('h1', { tabindex: '-1' }, t('auth.title')),
    tokenForm('auth.needRead', error, () => {
      store.tokenProblem = null;
      signInShown = undefined;
      void pollNow();
    }),
  );
  main.querySelector('input')?.focus();
}

function renderChrome(): void {
  brand.replaceChildren(h('img', { src: iconHref, alt: '', width: 28, height: 28 }), h('span', {}, t('app.title')));
  nav.setAttribute('aria-label', t('nav.main'));
  navBoards.textContent = t('nav.boards');
  navReport.textContent = t('nav.report');
  const count = store.active.length;
  const critical = store.active.some((a) => a.severity === 'critical');
  navAlerts.replaceChildren(
    t('nav.alerts'),
    ...(count > 0 ? [h('span', { class: `count${critical ? ' count-critical' : ''}`, 'aria-label': `(${count})` }, String(count))] : []),
  );
  langButton.textContent = t('lang.otherCode');
  langButton.setAttribute('aria-label', t('lang.other'));
  langButton.setAttribute('lang', currentLang() === 'en' ? 'fr' : 'en');
  authButton.textContent = token.get() ? t('auth.signOut') : t('auth.signIn');
  skip.textContent = t('app.skip');
  alarm.render();
  showWorstInTab(store.active);
}

let lastProblem = '';
/** "Live, updated 3 s ago"; a louder line when the data is stale or the API cannot be reached. */
function renderConnection(): void {
  const now = Date.now();
  const ago = store.lastOk ? formatAgo(store.lastOk, now) : '';
  let text = '';
  let level = '';
  if (store.problem?.kind === 'unreachable') {
    text = store.lastOk ? t('conn.unreachable', { ago }) : t('conn.unreachableNever');
    level = 'error';
  } else if (store.problem?.kind === 'http') {
    text = t('conn.error', { status: store.problem.status, ago: ago || '—' });
    level = 'error';
  } else if (store.lastOk && now - store.lastOk > STALE_AFTER_MS) {
    text = t('conn.stale', { ago });
    level = 'warning';
  }
  live.replaceChildren(
    h('span', { class: `dot${level ? ` dot-${level}` : ''}`, 'aria-hidden': 'true' }),
    store.lastOk && !level ? t('conn.live', { ago }) : '',
  );
  live.hidden = !store.lastOk || Boolean(level);
  // The live region speaks only when the problem changes, not every second.
  const key = `${level}:${store.problem?.kind ?? ''}:${store.problem && 'status' in store.problem ? store.problem.status : ''}`;
  if (key !== lastProblem || level === 'warning') {
    lastProblem = key;
    problem.replaceChildren(...(text ? [h('span', { 'aria-hidden': 'true' }, level === 'error' ? '✖ ' : '⚠ '), text] : []));
    problem.className = `problem${level ? ` problem-${level}` : ''}`;
    problem.hidden = !text;
  }
  document.body.dataset.connection = level || (store.lastOk ? 'live' : 'starting');
}

function boot(): void {
  setLang(initialLang(), false);
  const app = document.getElementById('app') ?? document.body;
  app.className = 'app';
  app.replaceChildren(skip, header, live, problem, main);
  skip.addEventListener('click', () => main.focus());
  langButton.addEventListener('click', () => {
    setLang(currentLang() === 'en' ? 'fr' : 'en', true);
    renderChrome();
    renderConnection();
    signInShown = undefined;
    route(true);
    view?.focus();
  });
  authButton.addEventListener('click', async () => {
    if (token.get()) {
      token.clear();
      renderChrome();
    } else if (viewKey === 'sign-in') {
      main.querySelector('input')?.focus();
      return;
    } else if (!(await askToken('auth.why'))) {
      return;
    }
    renderChrome();
    void pollNow();
  });
  window.addEventListener('hashchange', () => {
    route();
    view?.focus();
  });
  subscribe(() => {
    announceNew(store.active);
    renderChrome();
    renderConnection();
    if (store.needToken) showSignIn();
    else if (viewKey === 'sign-in') route(true);
    else view?.update();
  });
  setInterval(renderConnection, 1000);
  renderChrome();
  renderConnection();
  route();
  startPolling();
}

boot();
