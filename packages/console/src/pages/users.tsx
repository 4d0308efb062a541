import type { InviteResponse } from '@gatehouse/contracts';
import { type FormEvent, useState } from 'react';
import { call, get, page, post, query, segment } from '../api';
import { useSession } from '../session';
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
import { type Role, useRoles } from './roles';

/** `RealmMember` of `GET /authorization/v1.1/realms/{realm}/members` (notes-authz-v11.md). */
interface RealmMember {
  memberHrn: string;
  entityType: 'user' | 'app' | 'car';
  info: {
    userId?: string;
    firstname?: string;
    lastname?: string;
    email?: string;
    roles?: string[];
    state?: string;
  };
}

const PAGE_SIZE = 20;
/** HERE: at most 5 roles per invitation. */
const MAX_INVITE_ROLES = 5;

function InviteForm({ realm, roles, onInvited }: { realm: string; roles: Role[]; onInvited: () => void }) {
  const { busy, notice, errors, run } = useAction();
  async function invite(event: FormEvent<HTMLFormElement>) {
    const form = event.currentTarget;
    const chosen = new FormData(form).getAll('roles').filter((value): value is string => typeof value === 'string');
    const values = formValues(event);
    const done = await run(
      () =>
        post(`/authorization/v1.1/realms/${segment(realm)}/invites`, {
          emailAddress: values.emailAddress,
          ...(values.firstName ? { firstName: values.firstName } : {}),
          ...(values.lastName ? { lastName: values.lastName } : {}),
          ...(chosen.length > 0 ? { roles: chosen } : {}),
        }),
      `Invitation sent to ${values.emailAddress}.`,
    );
    if (done) {
      form.reset();
      onInvited();
    }
  }
  return (
    <section aria-labelledby="invite-heading" className="panel">
      <h2 id="invite-heading">Invite a user</h2>
      <NoticeBox notice={notice} />
      <form onSubmit={(event) => void invite(event)} noValidate>
        <Field label="Email address" name="emailAddress" type="email" required error={errors.emailAddress} />
        <Field label="First name" name="firstName" error={errors.firstName} />
        <Field label="Last name" name="lastName" error={errors.lastName} />
        {roles.length > 0 ? (
          <fieldset>
            <legend>Roles (at most {MAX_INVITE_ROLES})</legend>
            {roles.map((role) => (
              <label key={role.hrn} className="check">
                <input type="checkbox" name="roles" value={role.hrn} /> {role.name}
              </label>
            ))}
          </fieldset>
        ) : null}
        <button type="submit" disabled={busy}>
          Send invitation
        </button>
      </form>
    </section>
  );
}

function PendingInvites({ realm, generation }: { realm: string; generation: number }) {
  const base = `/authorization/v1.1/realms/${segment(realm)}/invites`;
  const invites = useLoad(async () => page<InviteResponse>(await get(base)), `${realm}:${generation}`);
  const { busy, notice, run } = useAction();
  const inviteId = (invite: InviteResponse) => invite.hrn.slice(invite.hrn.lastIndexOf('/') + 1);
  async function act(invite: InviteResponse, method: 'POST' | 'DELETE') {
    const done = await run(
      () => call(method, `${base}/${segment(inviteId(invite))}`),
      method === 'POST' ? `Invitation sent again to ${invite.emailAddress}.` : 'Invitation cancelled.',
    );
    if (done) invites.reload();
  }
  if (!invites.data || invites.data.items.length === 0) return null;
  return (
    <section aria-labelledby="pending-heading">
      <h2 id="pending-heading">Pending invitations</h2>
      <NoticeBox notice={notice} />
      <ul className="cards">
        {invites.data.items.map((invite) => (
          <li key={invite.hrn} className="card">
            <strong>{invite.emailAddress}</strong> {invite.roles.map((role) => role.name).join(', ')}
            <div className="actions">
              <button type="button" className="secondary" disabled={busy} onClick={() => void act(invite, 'POST')}>
                Resend <span className="visually-hidden">to {invite.emailAddress}</span>
              </button>
              <button type="button" className="secondary" disabled={busy} onClick={() => void act(invite, 'DELETE')}>
                Cancel invitation <span className="visually-hidden">of {invite.emailAddress}</span>
              </button>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

function MemberRow({ member, roles, onChanged }: { member: RealmMember; roles: Role[]; onChanged: () => void }) {
  const { busy, notice, run } = useAction();
  const { info } = member;
  const name = `${info.firstname ?? ''} ${info.lastname ?? ''}`.trim() || info.email || member.memberHrn;
  const userId = info.userId ?? member.memberHrn.slice(member.memberHrn.lastIndexOf('/') + 1);
  const enabled = info.state !== 'disabled';
  const [role, setRole] = useState('');

  async function setState() {
    const done = await run(() =>
      post(`/authentication/v1.1/users/${segment(userId)}/${enabled ? 'deactivate' : 'activate'}`),
    );
    if (done) onChanged();
  }
  async function assignRole() {
    const chosen = roles.find((candidate) => candidate.hrn === role);
    if (!chosen) return;
    const done = await run(
      () => post(`/authorization/v1.1/roles/${segment(chosen.id)}/entities/${segment(member.memberHrn)}`),
      `${chosen.name} given to ${name}.`,
    );
    if (done) onChanged();
  }

  return (
    <tr>
      <td data-label="Name">
        {name}
        <NoticeBox notice={notice} />
      </td>
      <td data-label="Email">{info.email}</td>
      <td data-label="Roles">{(info.roles ?? []).join(', ') || '—'}</td>
      <td data-label="State">{info.state ?? '—'}</td>
      <td data-label="Actions" className="actions">
        {roles.length > 0 ? (
          <span className="inline-form">
            <label className="visually-hidden" htmlFor={`role-${userId}`}>
              Role for {name}
            </label>
            <select id={`role-${userId}`} value={role} onChange={(event) => setRole(event.target.value)}>
              <option value="">Give a role…</option>
              {roles.map((candidate) => (
                <option key={candidate.hrn} value={candidate.hrn}>
                  {candidate.name}
                </option>
              ))}
            </select>
            <button type="button" className="secondary" disabled={busy || !role} onClick={() => void assignRole()}>
              Give role <span className="visually-hidden">to {name}</span>
            </button>
          </span>
        ) : null}
        <ConfirmButton
          danger={enabled}
          label={`${enabled ? 'Deactivate' : 'Activate'} ${name}`}
          title={`${enabled ? 'Deactivate' : 'Activate'} ${name}?`}
          confirmLabel={enabled ? 'Deactivate' : 'Activate'}
          disabled={busy}
          onConfirm={setState}
        >
          <p>
            {enabled
              ? 'The user is signed out everywhere and cannot sign in until an OrgAdmin activates the account again.'
              : 'The user can sign in again.'}
          </p>
        </ConfirmButton>
      </td>
    </tr>
  );
}

export function UsersPage() {
  const { me } = useSession();
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim());
  const paging = usePaging();
  const [generation, setGeneration] = useState(0);
  const roles = useRoles();
  // The server searches (q matches names, email, user ID and roles) and pages; the console shows what it answers.
  const members = useLoad(
    async () =>
      page<RealmMember>(
        await get(
          `/authorization/v1.1/realms/${segment(me.realm)}/members${query({ entityType: 'user', q, count: PAGE_SIZE, pageToken: paging.pageToken })}`,
        ),
      ),
    `${q}|${paging.pageToken ?? ''}|${generation}`,
  );
  const changed = () => setGeneration((value) => value + 1);

  return (
    <>
      <PageTitle>Users</PageTitle>
      <div className="field search">
        <label htmlFor="user-search">Search users</label>
        <input
          id="user-search"
          type="search"
          value={search}
          placeholder="Name, email address, user ID or role"
          onChange={(event) => {
            setSearch(event.target.value);
            paging.reset();
          }}
        />
      </div>
      {members.error ? <p role="alert">{members.error}</p> : null}
      <div aria-live="polite" aria-busy={members.loading}>
        {members.data ? (
          <table>
            <caption>
              {members.data.total ?? members.data.items.length} user{members.data.total === 1 ? '' : 's'}
              {q ? ` matching “${q}”` : ''}
            </caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Roles</th>
                <th scope="col">State</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {members.data.items.map((member) => (
                <MemberRow key={member.memberHrn} member={member} roles={roles} onChanged={changed} />
              ))}
            </tbody>
          </table>
        ) : null}
      </div>
      <Pager paging={paging} nextToken={members.data?.pageToken} label="Users" />
      <div className="columns">
        <InviteForm realm={me.realm} roles={roles} onInvited={changed} />
        <PendingInvites realm={me.realm} generation={generation} />
      </div>
    </>
  );
}
