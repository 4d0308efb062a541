import type { App } from '@gatehouse/contracts';
import { type FormEvent, useState } from 'react';
import { get, page, post, query } from '../api';
import { Link, navigate } from '../router';
import { Field, formValues, NoticeBox, Pager, PageTitle, useAction, useLoad, usePaging } from '../ui';

const PAGE_SIZE = 20;

export function AppsPage() {
  const paging = usePaging();
  const apps = useLoad(
    async () =>
      page<App>(await get(`/authentication/v1.1/apps${query({ limit: PAGE_SIZE, pageToken: paging.pageToken })}`)),
    paging.pageToken ?? '',
  );
  const [creating, setCreating] = useState(false);
  const { busy, notice, errors, run } = useAction();

  async function generate(event: FormEvent<HTMLFormElement>) {
    const values = formValues(event);
    const app = await run(() =>
      post<App>('/authentication/v1.1/apps', {
        name: values.name,
        ...(values.description ? { description: values.description } : {}),
      }),
    );
    if (app) navigate(`/apps/${encodeURIComponent(app.value.hrn)}`);
  }

  return (
    <>
      <PageTitle>Apps</PageTitle>
      <p className="intro">Apps hold the API keys and OAuth 2.0 credentials that programs use.</p>
      {creating ? (
        <section aria-labelledby="generate-heading" className="panel">
          <h2 id="generate-heading">Generate app</h2>
          <NoticeBox notice={notice} />
          <form onSubmit={(event) => void generate(event)} noValidate>
            <Field label="App name" name="name" required autoFocus error={errors.name} />
            <Field label="Description" name="description" error={errors.description} />
            <div className="actions">
              <button type="submit" disabled={busy}>
                Generate app
              </button>
              <button type="button" className="secondary" onClick={() => setCreating(false)}>
                Cancel
              </button>
            </div>
          </form>
        </section>
      ) : (
        <button type="button" onClick={() => setCreating(true)}>
          Generate app
        </button>
      )}
      {apps.error ? <p role="alert">{apps.error}</p> : null}
      {apps.data && apps.data.items.length === 0 ? <p>No apps yet.</p> : null}
      {apps.data && apps.data.items.length > 0 ? (
        <table>
          <caption>Your apps{apps.data.total !== undefined ? ` (${apps.data.total})` : ''}</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">App ID</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {apps.data.items.map((app) => (
              <tr key={app.hrn}>
                <td data-label="Name">
                  <Link to={`/apps/${encodeURIComponent(app.hrn)}`}>{app.name}</Link>
                </td>
                <td data-label="App ID">
                  <code>{app.clientId}</code>
                </td>
                <td data-label="Status">{app.status}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Pager paging={paging} nextToken={apps.data?.pageToken} label="Apps" />
    </>
  );
}
