import { h, field } from '../ui/dom';
import { errorBox } from '../ui/errors';
import { ApiClient } from '../api/client';

/** Sign-in of console users (Cognito hosted UI), offered when config.json has its settings. */
export interface UserSignIn {
  /** Sends the browser to the hosted UI (authorization code with PKCE). */
  start(): Promise<void>;
}

/**
 * Asks for an API key and checks it against the API (`GET /v1/metrics`) before keeping it.
 * The key is typed into a password field and never shown or logged. With `user`, it first offers
 * *Sign in with your Longwatch account* (the hosted UI). `reason` is why the user is here (a refused key,
 * an ended session, an error the hosted UI sent back), shown above the form.
 */
export function signInPage(apiBase: string, onSignedIn: (key: string) => void, reason?: unknown, user?: UserSignIn): HTMLElement {
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
  user ? userSignIn(user, errors) : null,
  user
    ? h('p', {}, 'Or use an API key of your tenant.')
    : h('p', {}, 'Use an API key of your tenant. local-dev prints one for the tenant ', h('code', {}, 'dev'), ' when it starts.'),
  field('API key', keyIn, 'Kept in this tab only (session storage) and sent as Authorization: Bearer.'),
  errors,
  button);
  return h('section', { class: 'signin-wrap' }, form);
}

function userSignIn(user: UserSignIn, errors: HTMLElement): HTMLElement {
  const label = 'Sign in with your Longwatch account';
  const go = h('button', {
    type: 'button', class: 'signin-user',
    onclick: async () => {
      errors.replaceChildren();
      go.disabled = true;
      go.textContent = 'Opening the sign-in page…';
      try {
        await user.start();
      } catch (err) {
        errors.replaceChildren(errorBox(err));
        go.disabled = false;
        go.textContent = label;
      }
    },
  }, label);
  return h('div', { class: 'signin-user-wrap' }, go,
    h('p', { class: 'hint' }, 'Your e-mail and password on the Longwatch sign-in page; the console keeps its tokens in this tab only.'));
}
