import { get, page, query, segment } from '../api';
import { useSession } from '../session';
import { Pager, PageTitle, useLoad, usePaging } from '../ui';

/** HERE's `RealmLimit` (notes-authz-v11.md), with Gatehouse's description of what it counts. */
interface RealmLimit {
  hrn: string;
  type: string;
  maximum: number;
  description?: string;
}

export function LimitsPage() {
  const { me } = useSession();
  const paging = usePaging();
  const limits = useLoad(
    async () =>
      page<RealmLimit>(
        await get(
          `/authorization/v1.1/realms/${segment(me.realm)}/limits${query({ limit: 100, pageToken: paging.pageToken })}`,
        ),
      ),
    paging.pageToken ?? '',
  );
  return (
    <>
      <PageTitle>Organization limits</PageTitle>
      {limits.error ? <p role="alert">{limits.error}</p> : null}
      {limits.data ? (
        <table>
          <caption>Limits of {me.realm}</caption>
          <thead>
            <tr>
              <th scope="col">Limit</th>
              <th scope="col">Maximum</th>
              <th scope="col">What it counts</th>
            </tr>
          </thead>
          <tbody>
            {limits.data.items.map((limit) => (
              <tr key={limit.hrn}>
                <td data-label="Limit">{limit.type}</td>
                <td data-label="Maximum">{limit.maximum}</td>
                <td data-label="What it counts">{limit.description ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Pager paging={paging} nextToken={limits.data?.pageToken} label="Limits" />
    </>
  );
}
