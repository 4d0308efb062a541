import type { UserProfile } from '@gatehouse/contracts';
import { createContext, useContext } from 'react';

export interface Session {
  me: UserProfile;
  /** Reads the profile again after a change. */
  refresh(): Promise<void>;
  /** Forgets the signed-in user (after sign-out, deactivation's end or deletion). */
  end(): void;
}

export const SessionContext = createContext<Session | undefined>(undefined);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}
