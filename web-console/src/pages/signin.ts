import { h, field } from '../ui/dom';
import { errorBox } from '../ui/errors';
import { ApiClient } from '../api/client';

/**
 * Asks for an API key and checks it against the API (`GET /v1/metrics`) before keeping it.
 * The key is typed into a password field and never shown or logged.
 */
export function signInPage(apiBase: string, onSignedIn: (key: string) => void, reason?: unknown): HTMLElement {
  const keyIn = h('input', { type: 'password', name: 'apiKey', autocomplete: 'off', required: true, spellcheck: 'false' });
  const errors = h('div', { class: 'errors' }, reason ? errorBox(reason) : null);
  const button = h('button', { type: 'submit' }, 'Sign in');
  const form = h('form', {
    class: 'panel signin', 'aria-labelledby': 'signin-title',
    onsubmit: async (e: Event) => {
      e.preventDefault();
      const key = keyIn.value.trim();
      errors.replaceChildren();
      if (!key) {
        keyIn.focus();
        return;
      }
      button.disabled = true;
      button.textContent = 'Checking…';
      try {
        await new ApiClient(apiBase, key).listMetrics();
        onSignedIn(key);
      } catch (err) {
        errors.replaceChildren(errorBox(err));
        keyIn.select();
      } finally {
        button.disabled = false;
        button.textContent = 'Sign in';
      }
    },
  },
  h('h1', { id: 'signin-title', tabindex: '-1' }, 'Sign in to Longwatch'),
  h('p', {}, 'Use an API key of your tenant. local-dev prints one for the tenant ', h('code', {}, 'dev'), ' when it starts.'),
  field('API key', keyIn, 'Kept in this tab only (session storage) and sent as Authorization: Bearer.'),
  errors,
  button);
  return h('section', { class: 'signin-wrap' }, form);
}
