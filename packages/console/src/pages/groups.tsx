import { type FormEvent, useState } from 'react';
import { call, post, segment } from '../api';
import { ConfirmButton, Field, formValues, NoticeBox, PageTitle, useAction } from '../ui';
import { MembersPanel } from './members-panel';
import { SearchedCards, useServerSearch } from './searched-cards';

/** HERE's `Group` (notes-authz-v11.md). */
interface Group {
  id: string;
  hrn: string;
  name: string;
  description?: string;
}

const GROUPS = '/authorization/v1.1/groups';

export function GroupsPage() {
  const groups = useServerSearch<Group>(GROUPS, 'count');
  const [selected, setSelected] = useState<Group | undefined>();
  const { busy, notice, errors, run } = useAction();

  async function create(event: FormEvent<HTMLFormElement>) {
    const form = event.currentTarget;
    const values = formValues(event);
    const group = await run(
      () =>
        post<Group>(GROUPS, { name: values.name, ...(values.description ? { description: values.description } : {}) }),
      `Group ${values.name} created.`,
    );
    if (group) {
      form.reset();
      groups.list.reload();
    }
  }
  async function remove(group: Group) {
    const done = await run(() => call('DELETE', `${GROUPS}/${segment(group.id)}`), `Group ${group.name} deleted.`);
    if (done) {
      if (selected?.id === group.id) setSelected(undefined);
      groups.list.reload();
    }
  }

  return (
    <>
      <PageTitle>Groups</PageTitle>
      <NoticeBox notice={notice} />
      <SearchedCards searched={groups} id="group" label="Groups" itemKey={(group) => group.id}>
        {(group) => (
          <>
            <strong>{group.name}</strong> {group.description ? <small>{group.description}</small> : null}
            <div className="actions">
              <button
                type="button"
                className="secondary"
                onClick={() => setSelected(group)}
                aria-pressed={selected?.id === group.id}
              >
                Members <span className="visually-hidden">of {group.name}</span>
              </button>
              <ConfirmButton
                danger
                label={`Delete ${group.name}`}
                title={`Delete group ${group.name}?`}
                confirmLabel="Delete group"
                disabled={busy}
                onConfirm={() => remove(group)}
              >
                <p>Its members lose what the group gave them.</p>
              </ConfirmButton>
            </div>
          </>
        )}
      </SearchedCards>
      {selected ? (
        <MembersPanel
          key={selected.id}
          title={`Members of ${selected.name}`}
          base={`${GROUPS}/${segment(selected.id)}/members`}
          pageParameter="count"
        />
      ) : null}
      <section aria-labelledby="new-group-heading" className="panel">
        <h2 id="new-group-heading">New group</h2>
        <form onSubmit={(event) => void create(event)} noValidate>
          <Field label="Group name" name="name" required error={errors.name} />
          <Field label="Description" name="description" error={errors.description} />
          <button type="submit" disabled={busy}>
            Create group
          </button>
        </form>
      </section>
    </>
  );
}
