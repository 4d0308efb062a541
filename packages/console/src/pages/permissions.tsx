import { get, page, query } from '../api';
import { Pager, PageTitle, useLoad, usePaging } from '../ui';

/** `PermissionsResponse` of `GET /user/me/authorization/permissions` (notes-account-v1.md). */
interface Permission {
  id: string;
  effect: 'allow' | 'deny';
  action: string;
  resource: string;
}

export function PermissionsPage() {
  const paging = usePaging();
  const permissions = useLoad(
    async () =>
      page<Permission>(
        await get(`/user/me/authorization/permissions${query({ count: 50, pageToken: paging.pageToken })}`),
      ),
    paging.pageToken ?? '',
  );
  return (
    <>
      <PageTitle>Your effective permissions</PageTitle>
      <p className="intro">What you may do, from your roles, groups and grants together.</p>
      {permissions.error ? <p role="alert">{permissions.error}</p> : null}
      {permissions.data ? (
        <table>
          <caption>
            {permissions.data.total ?? permissions.data.items.length} permission
            {permissions.data.total === 1 ? '' : 's'}
          </caption>
          <thead>
            <tr>
              <th scope="col">Action</th>
              <th scope="col">Effect</th>
              <th scope="col">Resource</th>
            </tr>
          </thead>
          <tbody>
            {permissions.data.items.map((permission) => (
              <tr key={permission.id}>
                <td data-label="Action">{permission.action}</td>
                <td data-label="Effect">{permission.effect}</td>
                <td data-label="Resource">
                  <code>{permission.resource}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Pager paging={paging} nextToken={permissions.data?.pageToken} label="Permissions" />
    </>
  );
}
