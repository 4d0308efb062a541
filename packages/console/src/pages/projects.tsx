import { type FormEvent, useState } from 'react';
import { call, get, page, post, query, segment } from '../api';
import {
  ConfirmButton,
  Field,
  formValues,
  NoticeBox,
  Pager,
  PageTitle,
  useAction,
  useDebounced,
  useLoad,
  usePaging,
} from '../ui';
import { MembersPanel } from './members-panel';

/** HERE's `ProjectResponse` (notes-authz-v11.md). */
interface Project {
  id: string;
  hrn: string;
  name: string;
  description?: string;
}

const PROJECTS = '/authorization/v1.1/projects';

export function ProjectsPage() {
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim());
  const paging = usePaging();
  const projects = useLoad(
    async () => page<Project>(await get(`${PROJECTS}${query({ q, limit: 20, pageToken: paging.pageToken })}`)),
    `${q}|${paging.pageToken ?? ''}`,
  );
  const [selected, setSelected] = useState<Project | undefined>();
  const { busy, notice, errors, run } = useAction();

  async function create(event: FormEvent<HTMLFormElement>) {
    const form = event.currentTarget;
    const values = formValues(event);
    const project = await run(
      () =>
        post<Project>(PROJECTS, {
          id: values.id,
          name: values.name,
          ...(values.description ? { description: values.description } : {}),
        }),
      `Project ${values.name} created.`,
    );
    if (project) {
      form.reset();
      projects.reload();
    }
  }
  async function remove(project: Project) {
    const done = await run(
      () => call('DELETE', `${PROJECTS}/${segment(project.hrn)}`),
      `Project ${project.name} deleted.`,
    );
    if (done) {
      if (selected?.hrn === project.hrn) setSelected(undefined);
      projects.reload();
    }
  }

  return (
    <>
      <PageTitle>Projects</PageTitle>
      <NoticeBox notice={notice} />
      <div className="field search">
        <label htmlFor="project-search">Search projects</label>
        <input
          id="project-search"
          type="search"
          value={search}
          onChange={(event) => {
            setSearch(event.target.value);
            paging.reset();
          }}
        />
      </div>
      {projects.error ? <p role="alert">{projects.error}</p> : null}
      <ul className="cards" aria-busy={projects.loading}>
        {projects.data?.items.map((project) => (
          <li key={project.hrn} className="card">
            <strong>{project.name}</strong> <code>{project.hrn}</code>
            <div className="actions">
              <button
                type="button"
                className="secondary"
                onClick={() => setSelected(project)}
                aria-pressed={selected?.hrn === project.hrn}
              >
                Members <span className="visually-hidden">of {project.name}</span>
              </button>
              <ConfirmButton
                danger
                label={`Delete ${project.name}`}
                title={`Delete project ${project.name}?`}
                confirmLabel="Delete project"
                disabled={busy}
                onConfirm={() => remove(project)}
              >
                <p>Its members lose access to the resources in it.</p>
              </ConfirmButton>
            </div>
          </li>
        ))}
      </ul>
      <Pager paging={paging} nextToken={projects.data?.pageToken} label="Projects" />
      {selected ? (
        <MembersPanel
          key={selected.hrn}
          title={`Members of ${selected.name}`}
          base={`${PROJECTS}/${segment(selected.hrn)}/members`}
          pageParameter="limit"
        />
      ) : null}
      <section aria-labelledby="new-project-heading" className="panel">
        <h2 id="new-project-heading">New project</h2>
        <form onSubmit={(event) => void create(event)} noValidate>
          <Field
            label="Project ID"
            name="id"
            required
            hint="Letters, digits and hyphens, e.g. my-project-0001."
            error={errors.id}
          />
          <Field label="Project name" name="name" required error={errors.name} />
          <Field label="Description" name="description" error={errors.description} />
          <button type="submit" disabled={busy}>
            Create project
          </button>
        </form>
      </section>
    </>
  );
}
