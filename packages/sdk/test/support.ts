import { expect } from 'vitest';
import { appPath, createAccessKey, createApp } from '../../server/test/support/apps.js';
import { type SignedIn, signUpAndSignIn } from '../../server/test/support/fixtures.js';
import type { TestServer } from '../../server/test/support/test-server.js';
import { type Credentials, credentialsFromProperties } from '../src/index.js';

export interface AppCredentials {
  admin: SignedIn;
  appId: string;
  appHrn: string;
  credentials: Credentials;
}

/**
 * A new organization, an app of its admin allowed to create apps, and that app's access key as the SDK reads it
 * from the `credentials.properties` text the server wrote.
 */
export async function appCredentials(server: TestServer, admin?: SignedIn): Promise<AppCredentials> {
  const owner = admin ?? (await signUpAndSignIn(server.api));
  const app = await createApp(server.api, owner.accessToken, { name: 'SDK test app' });
  const enabled = await server.api.put(appPath(app.clientId, '/appCreationEnabled'), undefined, {
    token: owner.accessToken,
  });
  expect(enabled.status, enabled.text).toBe(204);
  const key = await createAccessKey(server.api, owner.accessToken, app.clientId);
  return {
    admin: owner,
    appId: app.clientId,
    appHrn: app.hrn,
    credentials: credentialsFromProperties(key.credentialsProperties),
  };
}

/** A fetch that counts the requests to each path, passing every one to the real server. */
export function countingFetch(): { fetch: typeof fetch; count: (path: string) => number } {
  const counts = new Map<string, number>();
  const realFetch = globalThis.fetch;
  return {
    fetch: (input, init) => {
      const path = new URL(input instanceof Request ? input.url : String(input)).pathname;
      counts.set(path, (counts.get(path) ?? 0) + 1);
      return realFetch(input, init);
    },
    count: (path) => counts.get(path) ?? 0,
  };
}
