import type { AccessKey, ApiKey, App, CreatedAccessKey, EntityGrant } from '@gatehouse/contracts';
import { type FormEvent, type ReactNode, useState } from 'react';
import { call, get, page, post, segment } from '../api';
import { Link, navigate } from '../router';
import { ConfirmButton, Field, formatTime, formValues, NoticeBox, PageTitle, useAction, useLoad } from '../ui';

const appPath = (app: string) => `/authentication/v1.1/apps/${segment(app)}`;

/** A new API key: `apiKeyId` is the key itself, in this one answer only; lists name keys by their HRN (`apiKey`). */
type CreatedApiKey = ApiKey & { apiKeyId: string };

/** Shows a secret once, until "Done" takes it out of the DOM; nothing else keeps it. */
function SecretOnce({ label, children, onDone }: { label: string; children: ReactNode; onDone: () => void }) {
  return (
    <section className="secret-box" aria-label={label}>
      <p>
        <strong>Copy it now: it is shown only once.</strong>
      </p>
      {children}
      <button type="button" onClick={onDone}>
        Done
      </button>
    </section>
  );
}

function ApiKeys({ app }: { app: App }) {
  const base = `${appPath(app.hrn)}/apiKeys`;
  const keys = useLoad(async () => page<ApiKey>(await get(base)), app.hrn);
  const [created, setCreated] = useState<CreatedApiKey | undefined>();
  const { busy, notice, run } = useAction();

  async function create() {
    const count = keys.data?.items.length ?? 0;
    const answer = await run(() => post<CreatedApiKey>(base, { name: `API key ${count + 1}` }), 'API key created.');
    if (answer) {
      setCreated(answer.value);
      keys.reload();
    }
  }
  /** Rotation (HERE's advice): a new key first, then the old one goes. Here both in one step. */
  async function rotate(key: ApiKey) {
    const answer = await run(async () => {
      const fresh = await post<CreatedApiKey>(base, { name: key.name });
      await call('DELETE', `${base}/${segment(key.apiKey)}`);
      return fresh;
    }, 'API key rotated: the old key no longer works.');
    if (answer) {
      setCreated(answer.value);
      keys.reload();
    }
  }
  async function remove(key: ApiKey) {
    const done = await run(() => call('DELETE', `${base}/${segment(key.apiKey)}`), 'API key deleted.');
    if (done) keys.reload();
  }

  return (
    <section aria-labelledby="api-keys-heading" className="panel">
      <h2 id="api-keys-heading">API keys</h2>
      <p className="intro">At most two API keys at once: create the second, move your clients, delete the first.</p>
      <NoticeBox notice={notice} />
      {created ? (
        <SecretOnce label="New API key" onDone={() => setCreated(undefined)}>
          <dl className="facts">
            <dt>{created.name}</dt>
            <dd>
              <code className="secret">{created.apiKeyId}</code>
            </dd>
          </dl>
        </SecretOnce>
      ) : null}
      {keys.error ? <p role="alert">{keys.error}</p> : null}
      <ul className="cards">
        {keys.data?.items.map((key) => (
          <li key={key.apiKey} className="card">
            <strong>{key.name}</strong> {key.enabled ? null : <span className="badge">disabled</span>}
            <small>
              Created {formatTime(key.createdTime)} · last used {formatTime(key.lastTimeUsed)}
            </small>
            <div className="actions">
              <ConfirmButton
                label={`Rotate ${key.name}`}
                title={`Rotate ${key.name}?`}
                confirmLabel="Rotate"
                disabled={busy}
                onConfirm={() => rotate(key)}
              >
                <p>A new key replaces this one, which stops working at once.</p>
              </ConfirmButton>
              <ConfirmButton
                danger
                label={`Delete ${key.name}`}
                title={`Delete ${key.name}?`}
                confirmLabel="Delete"
                disabled={busy}
                onConfirm={() => remove(key)}
              >
                <p>Clients that use this key stop working.</p>
              </ConfirmButton>
            </div>
          </li>
        ))}
      </ul>
      <button type="button" onClick={() => void create()} disabled={busy || (keys.data?.items.length ?? 0) >= 2}>
        Create API key
      </button>
    </section>
  );
}

/** Starts the download of a text file without leaving a URL to it behind. */
function download(fileName: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = fileName;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  URL.revokeObjectURL(url);
}

function Credentials({ app }: { app: App }) {
  const base = `${appPath(app.hrn)}/accessKeys`;
  const keys = useLoad(async () => page<AccessKey>(await get(base)), app.hrn);
  // The secret lives only here, until "Done": then React takes it out of the DOM and nothing keeps it.
  const [created, setCreated] = useState<CreatedAccessKey | undefined>();
  const { busy, notice, run } = useAction();

  async function create() {
    const answer = await run(() => post<CreatedAccessKey>(base));
    if (answer) {
      setCreated(answer.value);
      download('credentials.properties', answer.value.credentialsProperties);
      keys.reload();
    }
  }
  async function act(key: AccessKey, action: 'enable' | 'disable' | 'delete') {
    const path = `${base}/${segment(key.accessKeyId)}`;
    const done = await run(
      () => (action === 'delete' ? call('DELETE', path) : post(`${path}/${action}`)),
      `Access key ${action === 'delete' ? 'deleted' : `${action}d`}.`,
    );
    if (done) keys.reload();
  }

  return (
    <section aria-labelledby="credentials-heading" className="panel">
      <h2 id="credentials-heading">OAuth 2.0 credentials</h2>
      <p className="intro">
        Credentials get access tokens. Several can be live at once, so you can rotate: create new credentials, move your
        programs, disable the old ones, then delete them.
      </p>
      <NoticeBox notice={notice} />
      {created ? (
        <SecretOnce label="New credentials" onDone={() => setCreated(undefined)}>
          <p>credentials.properties was downloaded with these values.</p>
          <dl className="facts">
            <dt>Access key ID</dt>
            <dd>
              <code>{created.accessKeyId}</code>
            </dd>
            <dt>Access key secret</dt>
            <dd>
              <code className="secret">{created.accessKeySecret}</code>
            </dd>
          </dl>
          <button
            type="button"
            className="secondary"
            onClick={() => download('credentials.properties', created.credentialsProperties)}
          >
            Download credentials.properties again
          </button>
        </SecretOnce>
      ) : (
        <button type="button" onClick={() => void create()} disabled={busy}>
          Create credentials
        </button>
      )}
      {keys.error ? <p role="alert">{keys.error}</p> : null}
      {keys.data && keys.data.items.length > 0 ? (
        <table>
          <caption>Access keys</caption>
          <thead>
            <tr>
              <th scope="col">Access key ID</th>
              <th scope="col">Status</th>
              <th scope="col">Last used</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {keys.data.items.map((key) => (
              <tr key={key.accessKeyId}>
                <td data-label="Access key ID">
                  <code>{key.accessKeyId}</code>
                </td>
                <td data-label="Status">{key.enabled ? 'enabled' : 'disabled'}</td>
                <td data-label="Last used">{formatTime(key.lastTimeUsed)}</td>
                <td data-label="Actions" className="actions">
                  <button
                    type="button"
                    className="secondary"
                    disabled={busy}
                    onClick={() => void act(key, key.enabled ? 'disable' : 'enable')}
                  >
                    {key.enabled ? 'Disable' : 'Enable'} <span className="visually-hidden">{key.accessKeyId}</span>
                  </button>
                  <ConfirmButton
                    danger
                    label="Delete"
                    title={`Delete access key ${key.accessKeyId}?`}
                    confirmLabel="Delete"
                    disabled={busy}
                    onConfirm={() => act(key, 'delete')}
                  >
                    <p>Programs using it can no longer get tokens.</p>
                  </ConfirmButton>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

function DefaultProject({ app }: { app: App }) {
  const path = `${appPath(app.hrn)}/defaultScope`;
  const scope = useLoad(() => get<{ defaultScope: string }>(path).catch(() => undefined), app.hrn);
  const { busy, notice, errors, run } = useAction();
  async function save(event: FormEvent<HTMLFormElement>) {
    const values = formValues(event);
    const done = await run(
      () => (values.scope ? call('PUT', path, { scope: values.scope }) : call('DELETE', path)),
      values.scope ? 'Default project set.' : 'Default project removed.',
    );
    if (done) scope.reload();
  }
  return (
    <section aria-labelledby="default-project-heading" className="panel">
      <h2 id="default-project-heading">Default project</h2>
      <p className="intro">Tokens of the app are scoped to this project unless a request names another scope.</p>
      <NoticeBox notice={notice} />
      {scope.loading ? null : (
        <form onSubmit={(event) => void save(event)} noValidate>
          <Field
            label="Project HRN"
            name="scope"
            defaultValue={scope.data?.defaultScope ?? ''}
            hint="Empty for unscoped tokens."
            error={errors.scope}
          />
          <button type="submit" disabled={busy}>
            Save default project
          </button>
        </form>
      )}
    </section>
  );
}

const MANAGER_ACTIONS = ['read', 'write', 'manage'] as const;
const SHARE_ACTIONS = [...MANAGER_ACTIONS, 'share'] as const;

/** App managers (read, write, manage) and sharing (plus share), through the grants API (FAQ). */
function ManagersAndSharing({ app }: { app: App }) {
  const base = `/authorization/v1.1/grants/resources/${segment(app.hrn)}/entities`;
  const grants = useLoad(async () => page<EntityGrant>(await get(base)), app.hrn);
  const { busy, notice, errors, run } = useAction();

  async function grant(event: FormEvent<HTMLFormElement>) {
    const values = formValues(event);
    const entity = values.entity ?? '';
    const entityType = values.entityType ?? 'user';
    const actions = values.access === 'share' ? SHARE_ACTIONS : MANAGER_ACTIONS;
    const done = await run(
      async () => {
        for (const action of actions) {
          await post(`${base}/${segment(entity)}/actions/${action}?entityType=${entityType}`);
        }
      },
      values.access === 'share' ? 'App shared.' : 'Manager added.',
    );
    if (done) grants.reload();
  }
  async function revoke(entry: EntityGrant) {
    const done = await run(async () => {
      for (const permission of entry.permissions) {
        await call(
          'DELETE',
          `${base}/${segment(entry.entityId.id)}/actions/${segment(permission.action)}?entityType=${entry.entityId.type}`,
        );
      }
    }, 'Access removed.');
    if (done) grants.reload();
  }

  return (
    <section aria-labelledby="managers-heading" className="panel">
      <h2 id="managers-heading">Managers and sharing</h2>
      <NoticeBox notice={notice} />
      {grants.error ? <p role="alert">{grants.error}</p> : null}
      {grants.data && grants.data.items.length > 0 ? (
        <table>
          <caption>Who has access</caption>
          <thead>
            <tr>
              <th scope="col">Identity</th>
              <th scope="col">Actions</th>
              <th scope="col">Remove</th>
            </tr>
          </thead>
          <tbody>
            {grants.data.items.map((entry) => (
              <tr key={entry.entityId.hrn}>
                <td data-label="Identity">
                  <code>{entry.entityId.id}</code> ({entry.entityId.type})
                </td>
                <td data-label="Actions">{entry.permissions.map((permission) => permission.action).join(', ')}</td>
                <td data-label="Remove">
                  <button type="button" className="secondary" disabled={busy} onClick={() => void revoke(entry)}>
                    Remove access <span className="visually-hidden">of {entry.entityId.id}</span>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <form onSubmit={(event) => void grant(event)} noValidate className="inline-form">
        <Field label="User, app or group ID" name="entity" required error={errors.entity} />
        <div className="field">
          <label htmlFor="grant-entity-type">Type</label>
          <select id="grant-entity-type" name="entityType" defaultValue="user">
            <option value="user">User</option>
            <option value="app">App</option>
            <option value="group">Group</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="grant-access">Access</label>
          <select id="grant-access" name="access" defaultValue="manage">
            <option value="manage">Manager (read, write, manage)</option>
            <option value="share">Shared (read, write, manage, share)</option>
          </select>
        </div>
        <button type="submit" disabled={busy}>
          Grant access
        </button>
      </form>
    </section>
  );
}

export function AppDetailPage({ app: appId }: { app: string }) {
  const app = useLoad(() => get<App>(appPath(appId)), appId);
  const { busy, notice, run } = useAction();

  if (app.error) {
    return (
      <>
        <PageTitle>App</PageTitle>
        <p role="alert">{app.error}</p>
        <Link to="/apps">Back to apps</Link>
      </>
    );
  }
  if (!app.data) return <p className="loading">Loading…</p>;
  const current = app.data;

  async function setStatus(verb: 'activate' | 'deactivate') {
    const done = await run(
      () => post(`${appPath(current.hrn)}/${verb}`),
      verb === 'activate' ? 'App enabled.' : 'App disabled.',
    );
    if (done) app.reload();
  }
  async function remove() {
    const done = await run(() => call('DELETE', appPath(current.hrn)));
    if (done) navigate('/apps');
  }

  return (
    <>
      <p>
        <Link to="/apps">← Apps</Link>
      </p>
      <PageTitle>{current.name}</PageTitle>
      <dl className="facts">
        <dt>App ID</dt>
        <dd>
          <code>{current.clientId}</code>
        </dd>
        <dt>HRN</dt>
        <dd>
          <code>{current.hrn}</code>
        </dd>
        <dt>Status</dt>
        <dd>{current.status}</dd>
      </dl>
      <NoticeBox notice={notice} />
      <div className="actions">
        {current.status === 'active' ? (
          <ConfirmButton
            label="Disable app"
            title="Disable this app?"
            confirmLabel="Disable app"
            disabled={busy}
            onConfirm={() => setStatus('deactivate')}
          >
            <p>Its credentials and API keys stop working until you enable it again.</p>
          </ConfirmButton>
        ) : (
          <button type="button" className="secondary" disabled={busy} onClick={() => void setStatus('activate')}>
            Enable app
          </button>
        )}
        <ConfirmButton
          danger
          label="Delete app"
          title="Delete this app?"
          confirmLabel="Delete app"
          disabled={busy}
          onConfirm={remove}
        >
          <p>The app, its credentials and its API keys are deleted for good.</p>
        </ConfirmButton>
      </div>
      <div className="columns">
        <ApiKeys app={current} />
        <Credentials app={current} />
      </div>
      <DefaultProject app={current} />
      <ManagersAndSharing app={current} />
    </>
  );
}
