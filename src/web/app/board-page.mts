import { api, ApiError } from './api.mjs';
import { boardView } from './board.mjs';
import { h } from './dom.mjs';
import { t } from './i18n.mjs';
import type { View } from './view.mjs';

/**
 * `#/board/<id>`: asks the API for the board first, so that an unknown id is
 * one clear "no such board" page (no error banner, no empty charts). Any
 * other failure opens the board view, which says what went wrong itself.
 */
export function boardPage(main: HTMLElement, deviceId: string, params: URLSearchParams): View {
  let inner: View | undefined;
  let destroyed = false;
  const heading = h('h1', { tabindex: '-1' }, deviceId);
  main.replaceChildren(heading, h('p', { class: 'load-status' }, t('loading')));
  // The router focused the placeholder's heading: the view that replaces it takes the focus over.
  const show = (make: () => View) => {
    const hadFocus = document.activeElement === heading;
    inner = make();
    if (hadFocus) inner.focus();
  };
  const open = () => {
    if (!destroyed) show(() => boardView(main, deviceId, params));
  };
  api.device(deviceId).then(open, (error: unknown) => {
    if (destroyed) return;
    if (error instanceof ApiError && error.status === 404) show(() => notFoundView(main, deviceId));
    else open();
  });
  return {
    update: () => inner?.update(),
    destroy: () => {
      destroyed = true;
      inner?.destroy();
    },
    focus: () => (inner ?? { focus: () => heading.focus() }).focus(),
  };
}

export function notFoundView(main: HTMLElement, deviceId: string): View {
  const heading = h('h1', { tabindex: '-1' });
  const text = h('p', { class: 'not-found-text' });
  const back = h('a', { href: '#/' });
  const render = () => {
    heading.textContent = t('notFound.title');
    text.textContent = t('notFound.text', { id: deviceId });
    back.replaceChildren(h('span', { 'aria-hidden': 'true' }, '← '), t('board.back'));
  };
  render();
  main.replaceChildren(h('section', { class: 'not-found', 'data-not-found': deviceId }, heading, text, h('p', {}, back)));
  return { update: render, destroy: () => undefined, focus: () => heading.focus() };
}
