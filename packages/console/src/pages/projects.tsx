import { type FormEvent, useState } from 'react';
import { call, post, segment } from '../api';
import { ConfirmButton, Field, formValues, NoticeBox, PageTitle, useAction } from '../ui';
import { MembersPanel } from './members-panel';
import { SearchedCards, useServerSearch } from './searched-cards';

/** HERE's `ProjectResponse` (notes-authz-v11.md). */
interface Project {
  id: string;
  hrn: string;
  name: string;
  description?: string;
}

const PROJECTS = '/authorization/v1.1/projects';

export function ProjectsPage() {
  const projects = useServerSearch<Project>(PROJECTS, 'limit');
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
      projects.list.reload();
    }
  }
  async function remove(project: Project) {
    const done = await run(
      () => call('DELETE', `${PROJECTS}/${segment(project.hrn)}`),
      `Project ${project.name} deleted.`,
    );
    if (done) {
      if (selected?.hrn === project.hrn) setSelected(undefined);
      projects.list.reload();
    }
  }

  return (
    <>
      <PageTitle>Projects</PageTitle>
      <NoticeBox notice={notice} />
      <SearchedCards searched={projects} id="project" label="Projects" itemKey={(project) => project.hrn}>
        {(project) => (
          <>
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
          </>
        )}
      </SearchedCards>
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
