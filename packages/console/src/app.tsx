import type { UserProfile } from '@gatehouse/contracts';
import { useCallback, useEffect, useState } from 'react';
import { call, get, hasSession, onSessionEnd } from './api';
import { AccountPage } from './pages/account';
import { AppDetailPage } from './pages/app-detail';
import { AppsPage } from './pages/apps';
import { GroupsPage } from './pages/groups';
import { LimitsPage } from './pages/limits';
import { PermissionsPage } from './pages/permissions';
import { ProjectsPage } from './pages/projects';
import { RolesPage } from './pages/roles';
import { SignInPage } from './pages/sign-in';
import { UsersPage } from './pages/users';
import { Link, navigate, useRoute } from './router';
import { type Session, SessionContext } from './session';

const SECTIONS = [
  { route: '/account', label: 'Account' },
  { route: '/apps', label: 'Apps' },
  { route: '/users', label: 'Users' },
  { route: '/groups', label: 'Groups' },
  { route: '/projects', label: 'Projects' },
  { route: '/roles', label: 'Roles' },
  { route: '/permissions', label: 'Permissions' },
  { route: '/limits', label: 'Limits' },
];

function SignedInPage({ route }: { route: string }) {
  if (route.startsWith('/apps/')) return <AppDetailPage app={decodeURIComponent(route.slice('/apps/'.length))} />;
  switch (route) {
    case '/apps':
      return <AppsPage />;
    case '/users':
      return <UsersPage />;
    case '/groups':
      return <GroupsPage />;
    case '/projects':
      return <ProjectsPage />;
    case '/roles':
      return <RolesPage />;
    case '/permissions':
      return <PermissionsPage />;
    case '/limits':
      return <LimitsPage />;
    default:
      return <AccountPage />;
  }
}

export function App() {
  const route = useRoute();
  const [me, setMe] = useState<UserProfile | undefined>();
  const [checked, setChecked] = useState(false);

  const load = useCallback(async () => {
    if (!hasSession()) {
      setMe(undefined);
      return;
    }
    setMe(await get<UserProfile>('/user/me').catch(() => undefined));
  }, []);

  useEffect(() => {
    void load().finally(() => setChecked(true));
    return onSessionEnd(() => setMe(undefined));
  }, [load]);

  useEffect(() => {
    if (!checked) return;
    if (!me && route !== '/sign-in') navigate('/sign-in');
    if (me && (route === '/sign-in' || route === '/')) navigate('/account');
  }, [checked, me, route]);

  if (!checked) return <p className="loading">Loading…</p>;

  if (!me || route === '/sign-in') {
    return (
      <main id="main" className="narrow">
        <SignInPage onSignedIn={load} />
      </main>
    );
  }

  const session: Session = { me, refresh: load, end: () => setMe(undefined) };
  async function signOut() {
    await call('DELETE', '/web/session').catch(() => undefined);
    setMe(undefined);
  }

  return (
    <SessionContext.Provider value={session}>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">Gatehouse</span>
        <nav aria-label="Access Manager">
          <ul>
            {SECTIONS.map((section) => (
              <li key={section.route}>
                <Link to={section.route} current={route === section.route || route.startsWith(`${section.route}/`)}>
                  {section.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <span>
            {me.firstname} {me.lastname} · <span title="orgId">{me.realm}</span>
          </span>
          <button type="button" className="secondary" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" key={route}>
        <SignedInPage route={route} />
      </main>
    </SessionContext.Provider>
  );
}
