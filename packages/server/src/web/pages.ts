import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { escapeHtml } from '../mail/templates.js';
import { CONSOLE_PATH } from './console.js';

const asset = (name: string) => readFileSync(new URL(`../../assets/${name}`, import.meta.url), 'utf8');

/**
 * No inline script or style, no framing, no referrer: the pages only talk to this server's public API. Tokens from
 * mail links arrive in the URL fragment and are removed from the address bar as soon as the page reads them.
 */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

interface Field {
  name: string;
  label: string;
  type?: string;
  autocomplete?: string;
  required?: boolean;
  hint?: string;
}

interface PageDefinition {
  path: string;
  page: string;
  title: string;
  intro: string;
  form?: { fields: Field[]; submit: string };
}

function renderField(field: Field): string {
  const id = `field-${field.name}`;
  const hint = field.hint ? `<small id="${id}-hint">${escapeHtml(field.hint)}</small>` : '';
  return `<div class="field" data-field="${field.name}">
  <label for="${id}">${escapeHtml(field.label)}</label>
  <input id="${id}" name="${field.name}" type="${field.type ?? 'text'}"${field.autocomplete ? ` autocomplete="${field.autocomplete}"` : ''}${field.required ? ' required' : ''}${hint ? ` aria-describedby="${id}-hint ${id}-error"` : ` aria-describedby="${id}-error"`}>
  ${hint}<p class="field-error" id="${id}-error" role="alert"></p>
</div>`;
}

function renderPage(definition: PageDefinition): string {
  const form = definition.form
    ? `<form novalidate>${definition.form.fields.map(renderField).join('\n')}<button type="submit">${escapeHtml(definition.form.submit)}</button></form>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(definition.title)} · Gatehouse</title>
<link rel="stylesheet" href="/assets/gatehouse.css">
<script src="/assets/pages.js" defer></script>
</head>
<body data-page="${definition.page}">
<main>
<h1>${escapeHtml(definition.title)}</h1>
<p class="intro">${escapeHtml(definition.intro)}</p>
<div class="status" role="status" aria-live="polite"></div>
${form}
</main>
</body>
</html>`;
}

const password = (name: string, label: string, autocomplete = 'new-password'): Field => ({
  name,
  label,
  type: 'password',
  autocomplete,
  required: true,
  ...(autocomplete === 'new-password' ? { hint: 'At least 12 characters; common passwords are refused.' } : {}),
});

const pages: PageDefinition[] = [
  {
    path: '/setup',
    page: 'setup',
    title: 'Set up Gatehouse',
    intro: 'Create the first organization and its administrator (OrgAdmin).',
    form: {
      submit: 'Create organization',
      fields: [
        { name: 'organizationName', label: 'Organization name', required: true, autocomplete: 'organization' },
        { name: 'realm', label: 'orgId', required: true, hint: '3 to 64 letters, digits or hyphens, e.g. acme-corp.' },
        { name: 'firstname', label: 'First name', required: true, autocomplete: 'given-name' },
        { name: 'lastname', label: 'Last name', required: true, autocomplete: 'family-name' },
        { name: 'email', label: 'Email address', type: 'email', required: true, autocomplete: 'username' },
        password('password', 'Password'),
      ],
    },
  },
  {
    path: '/reset-password',
    page: 'reset-password',
    title: 'Choose a new password',
    intro: 'The link in your mail works once. Setting a new password signs you out everywhere and unlocks sign-in.',
    form: { submit: 'Set password', fields: [password('password', 'New password')] },
  },
  {
    path: '/accept-invitation',
    page: 'accept-invitation',
    title: 'Accept your invitation',
    intro: 'Checking your invitation…',
    form: {
      submit: 'Accept invitation',
      fields: [
        { name: 'firstname', label: 'First name', required: true, autocomplete: 'given-name' },
        { name: 'lastname', label: 'Last name', required: true, autocomplete: 'family-name' },
        password('password', 'Password'),
      ],
    },
  },
  {
    path: '/verify-email',
    page: 'verify-email',
    title: 'Confirm your email address',
    intro: 'Confirming…',
  },
];

function sendHtml(reply: FastifyReply, html: string) {
  return reply
    .type('text/html; charset=utf-8')
    .header('Content-Security-Policy', CONTENT_SECURITY_POLICY)
    .header('X-Frame-Options', 'DENY')
    .header('Referrer-Policy', 'no-referrer')
    .send(html);
}

/** The pages mail links and the start-up banner point to. */
export function registerWebPages(app: FastifyInstance): void {
  const rendered = pages.map((definition) => ({ path: definition.path, html: renderPage(definition) }));
  for (const { path, html } of rendered) app.get(path, async (_request, reply) => sendHtml(reply, html));
  // Sign-in lives in the console; `/sign-in` stays the address mails and the start-up banner give.
  app.get('/sign-in', async (_request, reply) => reply.redirect(`${CONSOLE_PATH}/sign-in`));
  app.get('/', async (_request, reply) => reply.redirect(`${CONSOLE_PATH}/sign-in`));

  const script = asset('pages.js');
  const styles = asset('gatehouse.css');
  app.get('/assets/pages.js', async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('Cache-Control', 'public, max-age=300').send(script),
  );
  app.get('/assets/gatehouse.css', async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('Cache-Control', 'public, max-age=300').send(styles),
  );
}
