import type { FormEvent } from 'react';
import { call, get, page, post, query, segment } from '../api';
import { Field, formValues, NoticeBox, Pager, useAction, useLoad, usePaging } from '../ui';

/** A member of a group or project as HERE lists it: an HRN, its type and some details. */
interface Member {
  memberHrn?: string;
  member?: string;
  entityType?: string;
  identityType?: string;
  info?: { firstname?: string; lastname?: string; email?: string; name?: string };
}

/**
 * Members of a group (`/groups/{id}/members`) or a project (`/projects/{hrn}/members`): list with server-side
 * paging, add by HRN, remove.
 */
export function MembersPanel({
  title,
  base,
  pageParameter,
}: {
  title: string;
  base: string;
  pageParameter: 'count' | 'limit';
}) {
  const paging = usePaging();
  const members = useLoad(
    async () => page<Member>(await get(`${base}${query({ [pageParameter]: 50, pageToken: paging.pageToken })}`)),
    `${base}|${paging.pageToken ?? ''}`,
  );
  const { busy, notice, errors, run } = useAction();

  async function add(event: FormEvent<HTMLFormElement>) {
    const form = event.currentTarget;
    const { member = '' } = formValues(event);
    const done = await run(() => post(`${base}/${segment(member)}`), 'Member added.');
    if (done) {
      form.reset();
      members.reload();
    }
  }
  async function remove(hrn: string) {
    const done = await run(() => call('DELETE', `${base}/${segment(hrn)}`), 'Member removed.');
    if (done) members.reload();
  }

  return (
    <section aria-label={title} className="panel">
      <h2>{title}</h2>
      <NoticeBox notice={notice} />
      {members.error ? <p role="alert">{members.error}</p> : null}
      <ul className="cards">
        {members.data?.items.map((member) => {
          const hrn = member.memberHrn ?? member.member ?? '';
          const label =
            member.info?.name ??
            (`${member.info?.firstname ?? ''} ${member.info?.lastname ?? ''}`.trim() || member.info?.email || hrn);
          return (
            <li key={hrn} className="card">
              {label} <small>({member.entityType ?? member.identityType})</small>
              <button type="button" className="secondary" disabled={busy} onClick={() => void remove(hrn)}>
                Remove <span className="visually-hidden">{label}</span>
              </button>
            </li>
          );
        })}
      </ul>
      <Pager paging={paging} nextToken={members.data?.pageToken} label={title} />
      <form onSubmit={(event) => void add(event)} noValidate className="inline-form">
        <Field label="Member HRN (user, app or group)" name="member" required error={errors.member} />
        <button type="submit" disabled={busy}>
          Add member
        </button>
      </form>
    </section>
  );
}
