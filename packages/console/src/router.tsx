import { type MouseEvent, type ReactNode, useEffect, useState } from 'react';

/** The console's base path; the server answers index.html for every path under it. */
export const BASE = '/console';

function currentRoute(): string {
  const path = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : location.pathname;
  return path.replace(/\/+$/, '') || '/';
}

const listeners = new Set<() => void>();

export function navigate(route: string): void {
  history.pushState(null, '', `${BASE}${route}`);
  for (const listener of listeners) listener();
}

/** The route below /console, e.g. `/apps/…`; re-renders on navigation and on the back button. */
export function useRoute(): string {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const update = () => setRoute(currentRoute());
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return route;
}

/** A real link (middle click, copy address) that navigates inside the app on a plain click. */
export function Link({
  to,
  children,
  current,
  className,
}: {
  to: string;
  children: ReactNode;
  current?: boolean;
  className?: string;
}) {
  function onClick(event: MouseEvent<HTMLAnchorElement>) {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  }
  return (
    <a href={`${BASE}${to}`} onClick={onClick} aria-current={current ? 'page' : undefined} className={className}>
      {children}
    </a>
  );
}
