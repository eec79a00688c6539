import { token } from './api.mjs';
import { h } from './dom.mjs';
import { t, type MessageKey } from './i18n.mjs';

let formCount = 0;

/**
 * The admin token form. Submitting keeps the token in sessionStorage and
 * calls `onToken`; nothing is ever posted by the form itself (CSP
 * `form-action 'none'`).
 */
export function tokenForm(reason: MessageKey, error: string | null, onToken: () => void, onCancel?: () => void): HTMLFormElement {
  const id = `token-${++formCount}`;
  const input = h('input', {
    id,
    name: 'token',
    type: 'password',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
    'aria-describedby': `${id}-help${error ? ` ${id}-error` : ''}`,
  });
  const errorLine = h('p', { id: `${id}-error`, class: 'form-error', role: 'alert' }, error ? `⚠ ${error}` : null);
  const form = h(
    'form',
    { class: 'token-form', novalidate: true },
    h('p', {}, t(reason)),
    h('label', { for: id }, t('auth.title')),
    input,
    h('p', { id: `${id}-help`, class: 'help' }, t('auth.keep')),
    errorLine,
    h(
      'div',
      { class: 'form-actions' },
      h('button', { type: 'submit', class: 'primary' }, t('auth.signIn')),
      onCancel ? h('button', { type: 'button', onclick: () => onCancel() }, t('auth.cancel')) : null,
    ),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = input.value.trim();
    if (!value) {
      errorLine.textContent = `⚠ ${t('auth.empty')}`;
      input.focus();
      return;
    }
    token.set(value);
    onToken();
  });
  return form;
}

/** Asks for the token in a modal dialog: true once one is entered, false when cancelled. */
export function askToken(reason: MessageKey, error: string | null = null): Promise<boolean> {
  return new Promise((resolve) => {
    const dialog = h('dialog', { class: 'token-dialog', 'aria-labelledby': 'token-dialog-title' });
    const close = (ok: boolean) => {
      dialog.close();
      dialog.remove();
      resolve(ok);
    };
    dialog.append(
      h('h2', { id: 'token-dialog-title' }, t('auth.title')),
      tokenForm(reason, error, () => close(true), () => close(false)),
    );
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      close(false);
    });
    document.body.append(dialog);
    dialog.showModal();
    dialog.querySelector('input')?.focus();
  });
}

/**
 * `#/wall?token=<read token>` opens the wall on a kiosk without anyone
 * typing: the token is kept on this screen (localStorage) and removed from
 * the address at once, before any request. An address fragment is never
 * sent to a server (no access log, no Referer holds it); what remains is
 * the screen's browser profile and whatever launches it with that address,
 * so give it a read token, never the admin token (docs/api.md).
 */
export function takeTokenFromAddress(): void {
  const [path = '/', query = ''] = location.hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(query);
  if (path !== '/wall' || !params.has('token')) return;
  const value = params.get('token')?.trim();
  if (value) token.keepOnThisScreen(value);
  params.delete('token');
  const rest = params.toString();
  history.replaceState(history.state, '', `#${path}${rest ? `?${rest}` : ''}`);
}
