// Gatehouse self-service pages. They call the same public API as every other client.
(() => {
  const page = document.body.dataset.page;
  const form = document.querySelector('form');
  const status = document.querySelector('.status');

  // Tokens from mail links come in the fragment; read them once and take them out of the address bar.
  const fragment = new URLSearchParams(location.hash.slice(1));
  const linkToken = fragment.get('token');
  if (location.hash) history.replaceState(null, '', location.pathname);

  function show(message, kind) {
    status.textContent = message;
    status.className = `status ${kind}`;
  }

  function clearErrors() {
    for (const element of document.querySelectorAll('.field-error')) element.textContent = '';
    for (const input of document.querySelectorAll('input')) input.removeAttribute('aria-invalid');
  }

  async function call(method, path, body, token) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (token) headers.Authorization = `Bearer ${token}`;
    const response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const data = text ? JSON.parse(text) : undefined;
    if (!response.ok) {
      const error = new Error(data?.message ?? `Request failed (${response.status})`);
      error.body = data;
      throw error;
    }
    return data;
  }

  function showError(error) {
    const fields = error.body?.errorFields ?? [];
    for (const field of fields) {
      const slot = document.querySelector(`[data-field="${CSS.escape(field.name)}"] .field-error`);
      const input = document.querySelector(`[data-field="${CSS.escape(field.name)}"] input`);
      if (slot) slot.textContent = field.message;
      if (input) input.setAttribute('aria-invalid', 'true');
    }
    show(fields.length > 0 ? 'Please correct the marked fields.' : error.message, 'error');
  }

  const values = () => Object.fromEntries([...new FormData(form)].filter(([, value]) => value !== ''));

  function onSubmit(handler) {
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearErrors();
      const button = form.querySelector('button[type=submit]');
      button.disabled = true;
      try {
        await handler(values());
      } catch (error) {
        showError(error);
      } finally {
        button.disabled = false;
      }
    });
  }

  const requireToken = () => {
    if (linkToken) return true;
    show('This page needs the link from your mail. Open the link again, or request a new one.', 'error');
    if (form) form.hidden = true;
    return false;
  };

  const pages = {
    async setup() {
      if (!requireToken()) return;
      const { open } = await call('POST', '/setup/status', { token: linkToken });
      if (!open) {
        show('This set-up link is no longer valid: the organization exists already, or the link expired.', 'error');
        form.hidden = true;
        return;
      }
      onSubmit(async (input) => {
        const result = await call('POST', '/setup', { ...input, token: linkToken });
        form.hidden = true;
        show(`Organization ${result.realm} created. You can sign in now.`, 'ok');
      });
    },

    'reset-password'() {
      if (!requireToken()) return;
      onSubmit(async ({ password }) => {
        await call('POST', '/user/password/reset/complete', { token: linkToken, password });
        form.hidden = true;
        show('Your password is set. Sign in with it now.', 'ok');
      });
    },

    async 'accept-invitation'() {
      if (!requireToken()) return;
      let preview;
      try {
        preview = await call('POST', '/user/invites/preview', { token: linkToken });
      } catch (error) {
        form.hidden = true;
        showError(error);
        return;
      }
      document.querySelector('.intro').textContent =
        `${preview.emailAddress} is invited to ${preview.organizationName} (orgId ${preview.realm}).`;
      if (preview.firstName) document.getElementById('field-firstname').value = preview.firstName;
      if (preview.lastName) document.getElementById('field-lastname').value = preview.lastName;
      if (preview.accountExists) {
        document.querySelector('label[for="field-password"]').textContent = 'Your current password';
        document.getElementById('field-password').autocomplete = 'current-password';
      }
      onSubmit(async (input) => {
        await call('POST', '/user', { ...input, email: preview.emailAddress, inviteToken: linkToken });
        form.hidden = true;
        show(`Welcome to ${preview.organizationName}. You can sign in now.`, 'ok');
      });
    },

    async 'verify-email'() {
      if (!requireToken()) return;
      try {
        await call('POST', '/user/email/verify', { token: linkToken });
        document.querySelector('.intro').textContent = 'Thank you.';
        show('Your email address is confirmed.', 'ok');
      } catch (error) {
        document.querySelector('.intro').textContent = '';
        showError(error);
      }
    },
  };

  pages[page]?.();
})();
