import { type FormEvent, useState } from 'react';
import { call, get, page, post, query, segment } from '../api';
import { Field, formValues, NoticeBox, Pager, PageTitle, useAction, useLoad, usePaging } from '../ui';

/** HERE's `Role` (notes-authz-v11.md). */
export interface Role {
  id: string;
  hrn: string;
  name: string;
  /** The realm or group the role is scoped to. */
  resource?: string;
}

/** HERE's `RoleEntity`. */
interface RoleEntity {
  entityHrn: string;
  entityType: 'user' | 'app';
  info?: { firstname?: string; lastname?: string; email?: string; name?: string };
}

const ROLES = '/authorization/v1.1/roles';

/** The organization's roles, for pickers; empty when the caller may not read them. */
export function useRoles(): Role[] {
  const roles = useLoad(async () => page<Role>(await get(`${ROLES}${query({ count: 100 })}`)).items, 'roles');
  return roles.data ?? [];
}

function RoleEntities({ role }: { role: Role }) {
  const paging = usePaging();
  const base = `${ROLES}/${segment(role.id)}/entities`;
  const entities = useLoad(
    async () => page<RoleEntity>(await get(`${base}${query({ count: 50, pageToken: paging.pageToken })}`)),
    `${role.id}|${paging.pageToken ?? ''}`,
  );
  const { busy, notice, errors, run } = useAction();

  async function assign(event: FormEvent<HTMLFormElement>) {
    const form = event.currentTarget;
    const { entity = '' } = formValues(event);
    const done = await run(() => post(`${base}/${segment(entity)}`), `${role.name} given.`);
    if (done) {
      form.reset();
      entities.reload();
    }
  }
  async function remove(entity: RoleEntity) {
    const done = await run(() => call('DELETE', `${base}/${segment(entity.entityHrn)}`), `${role.name} taken back.`);
    if (done) entities.reload();
  }

  return (
    <section aria-labelledby="role-entities-heading" className="panel">
      <h2 id="role-entities-heading">Who has {role.name}</h2>
      <NoticeBox notice={notice} />
      {entities.error ? <p role="alert">{entities.error}</p> : null}
      <ul className="cards">
        {entities.data?.items.map((entity) => {
          const label =
            entity.info?.name ??
            (`${entity.info?.firstname ?? ''} ${entity.info?.lastname ?? ''}`.trim() || entity.entityHrn);
          return (
            <li key={entity.entityHrn} className="card">
              {label} <small>({entity.entityType})</small>
              <button type="button" className="secondary" disabled={busy} onClick={() => void remove(entity)}>
                Take back{' '}
                <span className="visually-hidden">
                  {role.name} from {label}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
      <Pager paging={paging} nextToken={entities.data?.pageToken} label={`${role.name} holders`} />
      <form onSubmit={(event) => void assign(event)} noValidate className="inline-form">
        <Field label="User or app HRN" name="entity" required error={errors.entity} />
        <button type="submit" disabled={busy}>
          Give {role.name}
        </button>
      </form>
    </section>
  );
}

export function RolesPage() {
  const paging = usePaging();
  const roles = useLoad(
    async () => page<Role>(await get(`${ROLES}${query({ count: 50, pageToken: paging.pageToken })}`)),
    paging.pageToken ?? '',
  );
  const [selected, setSelected] = useState<Role | undefined>();
  return (
    <>
      <PageTitle>Roles</PageTitle>
      <p className="intro">Roles bundle permissions: OrgAdmin, OrgInviter, ResourceManager, and group admin roles.</p>
      {roles.error ? <p role="alert">{roles.error}</p> : null}
      <ul className="cards">
        {roles.data?.items.map((role) => (
          <li key={role.hrn} className="card">
            <strong>{role.name}</strong>
            {role.resource ? <small> on {role.resource}</small> : null}
            <button
              type="button"
              className="secondary"
              aria-pressed={selected?.hrn === role.hrn}
              onClick={() => setSelected(role)}
            >
              Members <span className="visually-hidden">of {role.name}</span>
            </button>
          </li>
        ))}
      </ul>
      <Pager paging={paging} nextToken={roles.data?.pageToken} label="Roles" />
      {selected ? <RoleEntities key={selected.hrn} role={selected} /> : null}
    </>
  );
}
