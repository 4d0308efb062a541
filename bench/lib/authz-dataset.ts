import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { openDatabase } from '../../packages/server/src/storage/database.js';
import { migrate } from '../../packages/server/src/storage/migrate.js';
import { log } from './harness.js';

/**
 * The data set of the authorization benchmark: a PostgreSQL schema created by Gatehouse's own migrations, holding
 * `totalGrants` rows in `permissions`, bulk-loaded with COPY FROM STDIN. Every row is derived from its index, so
 * two loads with the same settings hold the same data.
 *
 * - Measured identities: one app per size (10, 1,000, 100,000 grants), created through Gatehouse's HTTP API so that
 *   they can obtain tokens. 40% of an app's grants are its own, 30% come from each of two groups it is a member of,
 *   and it holds the GroupAdmin role of its first group (a role bundle on top of the grants).
 * - Filler: groups of 100 grants each in 100 other organizations (and the benchmark's), up to `totalGrants`.
 *
 * Grant `i` of a holder: every 100th (i % 100 == 37) denies `read` on an exact HRN; i % 50 == 49 allows `read` on a
 * wildcard HRN (`…-w<i>-*`); all others allow one of read/write/manage/share on an exact HRN.
 *
 * A complete load ends by writing the {@link Manifest} as the schema's comment; a schema without it (an
 * interrupted load) or with other settings is loaded again.
 */

export const ACTIONS = ['read', 'write', 'manage', 'share'] as const;
const FILLER_ORGANIZATIONS = 100;
const FILLER_GRANTS_PER_GROUP = 100;
const MANIFEST_FORMAT = 1;
const PARTITION = 'here';

export interface MeasuredIdentity {
  /** `10`, `1000`, `100000`: its number of grants, direct plus through its groups. */
  label: string;
  grants: number;
  appId: string;
  /** Short tag its HRNs are built from (`a<size>`), and its groups' tags. */
  tag: string;
  groups: { id: string; tag: string; grants: number }[];
  directGrants: number;
  roleId: string;
}

export interface Manifest {
  format: number;
  schema: string;
  realm: string;
  totalGrants: number;
  measured: MeasuredIdentity[];
  loadedAt: string;
  loadSeconds: number;
}

export interface DatasetSettings {
  url: string;
  schema: string;
  totalGrants: number;
  sizes: readonly number[];
  reload: boolean;
  /**
   * Starts Gatehouse on the schema (bootstrapping its organization and OrgAdmin on first start), creates one app per
   * name through the API and stops the server; answers the app ids.
   */
  createApps(names: string[]): Promise<string[]>;
}

/** The grant of a holder at index `i`: what it allows or denies, on which HRN. */
export function grantOf(realm: string, tag: string, i: number): { action: string; resource: string; effect: string } {
  const base = `hrn:${PARTITION}:data::${realm}:${tag}-`;
  if (i % 100 === 37) return { action: 'read', resource: `${base}${i}`, effect: 'deny' };
  if (i % 50 === 49) return { action: 'read', resource: `${base}w${i}-*`, effect: 'allow' };
  return { action: ACTIONS[i % ACTIONS.length] ?? 'read', resource: `${base}${i}`, effect: 'allow' };
}

/** Uses the schema if it holds a complete load with these settings, else (or with `reload`) loads it anew. */
export async function ensureDataset(settings: DatasetSettings): Promise<Manifest> {
  const pool = new pg.Pool({ connectionString: settings.url, max: 1 });
  try {
    if (!settings.reload) {
      const existing = await readManifest(pool, settings.schema);
      if (
        existing?.format === MANIFEST_FORMAT &&
        existing.totalGrants === settings.totalGrants &&
        existing.measured.map((identity) => identity.grants).join() === settings.sizes.join()
      ) {
        log(`Reusing schema ${settings.schema}: ${existing.totalGrants} grants loaded ${existing.loadedAt}`);
        return existing;
      }
    }
    return await load(pool, settings);
  } finally {
    await pool.end();
  }
}

async function readManifest(pool: pg.Pool, schema: string): Promise<Manifest | undefined> {
  const result = await pool.query<{ comment: string | null }>(
    'SELECT obj_description(oid, $2) AS comment FROM pg_namespace WHERE nspname = $1',
    [schema, 'pg_namespace'],
  );
  const comment = result.rows[0]?.comment;
  if (!comment) return undefined;
  try {
    return JSON.parse(comment) as Manifest;
  } catch {
    return undefined;
  }
}

async function load(pool: pg.Pool, settings: DatasetSettings): Promise<Manifest> {
  const started = performance.now();
  const { schema } = settings;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`Invalid schema name ${schema}`);
  log(`Loading schema ${schema} with ${settings.totalGrants} grants (once; later runs reuse it)`);
  await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  // Two connections at least: migrate() holds its advisory lock on one and runs the scripts on another.
  const handle = openDatabase({ url: settings.url, schema, poolSize: 2 });
  try {
    await migrate(handle);
  } finally {
    await handle.close();
  }

  const labels = settings.sizes.map(String);
  const appIds = await settings.createApps(labels.map((label) => `Authorization benchmark ${label}`));
  const realm = (
    await pool.query<{ realm_id: string }>(`SELECT realm_id FROM ${schema}.apps WHERE id = $1`, [appIds[0]])
  ).rows[0]?.realm_id;
  if (realm === undefined) throw new Error('The benchmark apps were not created');
  const now = Date.now();
  const measured: MeasuredIdentity[] = settings.sizes.map((grants, index) => {
    const perGroup = Math.floor(grants * 0.3);
    const tag = `a${grants}`;
    return {
      label: String(grants),
      grants,
      appId: appIds[index] ?? '',
      tag,
      groups: [1, 2].map((n) => ({ id: groupId(index * 2 + n - 1), tag: `${tag}g${n}`, grants: perGroup })),
      directGrants: grants - 2 * perGroup,
      roleId: roleId(index),
    };
  });
  const measuredGrants = settings.sizes.reduce((sum, size) => sum + size, 0);
  const fillerGrants = settings.totalGrants - measuredGrants;
  if (fillerGrants < 0) throw new Error('totalGrants is smaller than the measured identities hold');
  const fillerGroups = Math.ceil(fillerGrants / FILLER_GRANTS_PER_GROUP);
  const fillerOffset = measured.length * 2;
  // Filler group n belongs to the benchmark's organization or to filler organization 1..100, in turn.
  const fillerRealm = (n: number) => {
    const organization = n % (FILLER_ORGANIZATIONS + 1);
    return organization === 0 ? realm : `bench-filler-${organization}`;
  };

  const client = await pool.connect();
  try {
    await client.query(`SET search_path = ${schema}`);
    await client.query('SET synchronous_commit = off');
    await client.query("SET maintenance_work_mem = '256MB'");

    await copy(client, 'organizations (id, id_normalized, name, created_at, updated_at)', function* () {
      for (let n = 1; n <= FILLER_ORGANIZATIONS; n++) {
        const id = `bench-filler-${n}`;
        yield row(id, id, `Filler organization ${n}`, now, now);
      }
    });
    const groupRows = function* () {
      for (const identity of measured) for (const group of identity.groups) yield [group.id, realm] as const;
      for (let n = 0; n < fillerGroups; n++) yield [groupId(fillerOffset + n), fillerRealm(n)] as const;
    };
    await copy(client, 'identities (id, realm_id, kind, created_at)', function* () {
      for (const [id, groupRealm] of groupRows()) yield row(id, groupRealm, 'group', now);
    });
    await copy(client, 'groups (id, realm_id, name, description, created_at, updated_at)', function* () {
      for (const [id, groupRealm] of groupRows()) yield row(id, groupRealm, `Group ${id}`, null, now, now);
    });
    await copy(client, 'group_members (group_id, member_id, created_at)', function* () {
      for (const identity of measured) for (const group of identity.groups) yield row(group.id, identity.appId, now);
    });
    await copy(client, 'roles (id, realm_id, name, resource_hrn, created_at)', function* () {
      for (const identity of measured) {
        const group = identity.groups[0]?.id ?? '';
        yield row(identity.roleId, realm, 'GroupAdmin', `hrn:${PARTITION}:authorization::${realm}:group/${group}`, now);
      }
    });
    await copy(client, 'role_assignments (role_id, identity_id, created_at)', function* () {
      for (const identity of measured) yield row(identity.roleId, identity.appId, now);
    });

    // Indexes and constraints of `permissions` are dropped for the load and built again afterwards from their own
    // definitions: building them once is much faster than maintaining them row by row.
    const rebuild = await dropPermissionIndexes(client, schema);
    let permission = 0;
    const loadStarted = performance.now();
    await copy(
      client,
      'permissions (id, realm_id, identity_id, action, resource_hrn, effect, created_at)',
      function* () {
        const holder = function* (holderRealm: string, identityId: string, tag: string, count: number) {
          for (let i = 0; i < count; i++) {
            const grant = grantOf(holderRealm, tag, i);
            yield row(
              permissionId(permission++),
              holderRealm,
              identityId,
              grant.action,
              grant.resource,
              grant.effect,
              now,
            );
          }
        };
        for (const identity of measured) {
          yield* holder(realm, identity.appId, identity.tag, identity.directGrants);
          for (const group of identity.groups) yield* holder(realm, group.id, group.tag, group.grants);
        }
        for (let n = 0; n < fillerGroups; n++) {
          const count = Math.min(FILLER_GRANTS_PER_GROUP, fillerGrants - n * FILLER_GRANTS_PER_GROUP);
          yield* holder(fillerRealm(n), groupId(fillerOffset + n), `f${n}`, count);
          if (n % 10_000 === 9_999) {
            const seconds = (performance.now() - loadStarted) / 1000;
            log(`  ${permission} grants copied (${Math.round(permission / seconds)}/s)`);
          }
        }
      },
    );
    log(`  ${permission} grants copied in ${Math.round((performance.now() - loadStarted) / 1000)} s; indexing`);
    for (const statement of rebuild) await client.query(statement);
    await client.query('ANALYZE');
  } finally {
    client.release();
  }

  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    schema,
    realm,
    totalGrants: settings.totalGrants,
    measured,
    loadedAt: new Date().toISOString(),
    loadSeconds: Math.round((performance.now() - started) / 1000),
  };
  await pool.query(`COMMENT ON SCHEMA ${schema} IS ${pg.escapeLiteral(JSON.stringify(manifest))}`);
  log(`Schema ${schema} loaded in ${manifest.loadSeconds} s`);
  return manifest;
}

/** Drops the indexes and unique, primary and foreign keys of `permissions`; answers the statements that restore them. */
async function dropPermissionIndexes(client: pg.PoolClient, schema: string): Promise<string[]> {
  const constraints = await client.query<{ name: string; definition: string }>(
    `SELECT conname AS name, pg_get_constraintdef(oid) AS definition FROM pg_constraint
     WHERE conrelid = 'permissions'::regclass AND contype IN ('p', 'u', 'f') ORDER BY contype DESC, conname`,
  );
  const indexes = await client.query<{ name: string; definition: string }>(
    `SELECT indexname AS name, indexdef AS definition FROM pg_indexes
     WHERE schemaname = $1 AND tablename = 'permissions' AND indexname <> ALL($2)`,
    [schema, constraints.rows.map((constraint) => constraint.name)],
  );
  for (const constraint of constraints.rows) {
    await client.query(`ALTER TABLE permissions DROP CONSTRAINT ${pg.escapeIdentifier(constraint.name)}`);
  }
  for (const index of indexes.rows) await client.query(`DROP INDEX ${pg.escapeIdentifier(index.name)}`);
  return [
    ...indexes.rows.map((index) => index.definition),
    // Primary and unique keys first (contype sorted descending: u, p, f), foreign keys last.
    ...constraints.rows.map(
      (constraint) =>
        `ALTER TABLE permissions ADD CONSTRAINT ${pg.escapeIdentifier(constraint.name)} ${constraint.definition}`,
    ),
  ];
}

/** COPY … FROM STDIN of the rows a generator yields (text format), sent in chunks of about 1,000 rows. */
async function copy(client: pg.PoolClient, target: string, rows: () => Generator<string>): Promise<void> {
  const chunks = function* () {
    let chunk = '';
    let count = 0;
    for (const line of rows()) {
      chunk += line;
      if (++count === 1_000) {
        yield chunk;
        chunk = '';
        count = 0;
      }
    }
    if (chunk !== '') yield chunk;
  };
  await pipeline(Readable.from(chunks()), client.query(copyFrom(`COPY ${target} FROM STDIN`)));
}

/** One line of COPY text format; the generated values hold no tabs, newlines or backslashes. */
function row(...values: Array<string | number | null>): string {
  return `${values.map((value) => (value === null ? '\\N' : String(value))).join('\t')}\n`;
}

const hex12 = (n: number) => n.toString(16).padStart(12, '0');
const groupId = (n: number) => `GROUP-00000000-0000-4000-8000-${hex12(n)}`;
const roleId = (n: number) => `ROLE-00000000-0000-4000-8000-${hex12(n)}`;
const permissionId = (n: number) => `PERM-00000000-0000-4000-8000-${hex12(n)}`;
