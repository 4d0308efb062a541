import { type Kysely, sql } from 'kysely';
import { rethrowConflict } from '../errors/storage-errors.js';
import { decodePageToken, encodePageToken, type Page } from '../storage/pagination.js';
import type { Database, InviteRow } from '../storage/tables.js';
import { normalizeEmail } from '../users/user-repository.js';

export interface Invite {
  id: string;
  realm: string;
  email: string;
  firstname?: string;
  lastname?: string;
  roleIds: string[];
  groupIds: string[];
  allowPasswordLogin: boolean;
  /** Identity that sent it; kept after that identity is deleted. */
  creatorId?: string;
  state: 'pending' | 'accepted' | 'cancelled';
  expiresAt: number;
  acceptedUserId?: string;
  createdAt: number;
  updatedAt: number;
}

export type InviteChanges = Partial<
  Pick<Invite, 'firstname' | 'lastname' | 'roleIds' | 'groupIds' | 'allowPasswordLogin'>
>;

export interface InviteRepository {
  /** @throws ConflictError when the address already has a pending invitation to the organization. */
  insert(invite: Invite, tokenHash: string): Promise<void>;
  findById(id: string): Promise<Invite | undefined>;
  findByTokenHash(tokenHash: string): Promise<Invite | undefined>;
  findPending(realm: string, email: string): Promise<Invite | undefined>;
  /** Pending invitations of an email address in every organization. */
  findPendingByEmail(email: string): Promise<Invite[]>;
  /**
   * Pending invitations of an organization, newest first; `q` matches names and email, `groupId` keeps those that
   * would add the invitee to that group.
   */
  listPending(
    realm: string,
    options: { q?: string | undefined; groupId?: string | undefined; pageToken?: string | undefined; count: number },
  ): Promise<Page<Invite>>;
  update(id: string, changes: InviteChanges, now: number): Promise<void>;
  /** Gives a pending invitation a new link and expiry (resend); the old link stops working. */
  renew(id: string, tokenHash: string, expiresAt: number, now: number): Promise<void>;
  /** Marks a pending invitation accepted; of concurrent callers exactly one gets `true`. */
  accept(id: string, userId: string, now: number): Promise<boolean>;
  /** Cancels a pending invitation; false when it was not pending. */
  cancel(id: string, now: number): Promise<boolean>;
}

export function createInviteRepository(db: Kysely<Database>): InviteRepository {
  const pending = () => db.selectFrom('invites').selectAll().where('state', '=', 'pending');
  return {
    async insert(invite, tokenHash) {
      await rethrowConflict(() =>
        db
          .insertInto('invites')
          .values({
            id: invite.id,
            realm_id: invite.realm,
            email: invite.email,
            email_normalized: normalizeEmail(invite.email),
            firstname: invite.firstname ?? null,
            lastname: invite.lastname ?? null,
            role_ids: JSON.stringify(invite.roleIds),
            group_ids: JSON.stringify(invite.groupIds),
            allow_password_login: invite.allowPasswordLogin ? 1 : 0,
            creator_id: invite.creatorId ?? null,
            state: invite.state,
            token_hash: tokenHash,
            expires_at: invite.expiresAt,
            accepted_user_id: null,
            created_at: invite.createdAt,
            updated_at: invite.updatedAt,
          })
          .execute(),
      );
    },
    async findById(id) {
      const row = await db.selectFrom('invites').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toInvite(row);
    },
    async findByTokenHash(tokenHash) {
      const row = await db.selectFrom('invites').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
      return row && toInvite(row);
    },
    async findPending(realm, email) {
      const row = await pending()
        .where('realm_id', '=', realm)
        .where('email_normalized', '=', normalizeEmail(email))
        .executeTakeFirst();
      return row && toInvite(row);
    },
    async findPendingByEmail(email) {
      const rows = await pending().where('email_normalized', '=', normalizeEmail(email)).execute();
      return rows.map(toInvite);
    },
    async listPending(realm, { q, groupId, pageToken, count }) {
      let query = pending().where('realm_id', '=', realm);
      if (groupId !== undefined) {
        // group_ids is a JSON array of at most five ids; a quoted id matches exactly one element.
        const element = `%${JSON.stringify(groupId).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        query = query.where(sql<boolean>`group_ids LIKE ${element} ESCAPE '\\'`);
      }
      if (q !== undefined && q !== '') {
        const pattern = `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        // ESCAPE is explicit: PostgreSQL escapes with a backslash by default, SQLite has no default escape.
        query = query.where((eb) =>
          eb.or(
            (['email_normalized', 'firstname', 'lastname'] as const).map(
              (column) => sql<boolean>`lower(${sql.ref(column)}) LIKE ${pattern} ESCAPE '\\'`,
            ),
          ),
        );
      }
      const total = await query
        .clearSelect()
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .executeTakeFirstOrThrow();
      let pageQuery = query
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(count + 1);
      if (pageToken !== undefined) {
        const [createdAt, id] = decodePageToken(pageToken, ['number', 'string']) as [number, string];
        pageQuery = pageQuery.where((eb) =>
          eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]),
        );
      }
      const rows = await pageQuery.execute();
      const items = rows.slice(0, count).map(toInvite);
      const last = items.at(-1);
      return {
        items,
        total: Number(total.count),
        ...(rows.length > count && last ? { nextPageToken: encodePageToken([last.createdAt, last.id]) } : {}),
      };
    },
    async update(id, changes, now) {
      await db
        .updateTable('invites')
        .set({
          ...(changes.firstname !== undefined ? { firstname: changes.firstname } : {}),
          ...(changes.lastname !== undefined ? { lastname: changes.lastname } : {}),
          ...(changes.roleIds !== undefined ? { role_ids: JSON.stringify(changes.roleIds) } : {}),
          ...(changes.groupIds !== undefined ? { group_ids: JSON.stringify(changes.groupIds) } : {}),
          ...(changes.allowPasswordLogin !== undefined
            ? { allow_password_login: changes.allowPasswordLogin ? 1 : 0 }
            : {}),
          updated_at: now,
        })
        .where('id', '=', id)
        .execute();
    },
    async renew(id, tokenHash, expiresAt, now) {
      await db
        .updateTable('invites')
        .set({ token_hash: tokenHash, expires_at: expiresAt, updated_at: now })
        .where('id', '=', id)
        .where('state', '=', 'pending')
        .execute();
    },
    async accept(id, userId, now) {
      const result = await db
        .updateTable('invites')
        .set({ state: 'accepted', accepted_user_id: userId, updated_at: now })
        .where('id', '=', id)
        .where('state', '=', 'pending')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async cancel(id, now) {
      const result = await db
        .updateTable('invites')
        .set({ state: 'cancelled', updated_at: now })
        .where('id', '=', id)
        .where('state', '=', 'pending')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  };
}

function toInvite(row: InviteRow): Invite {
  return {
    id: row.id,
    realm: row.realm_id,
    email: row.email,
    ...(row.firstname !== null ? { firstname: row.firstname } : {}),
    ...(row.lastname !== null ? { lastname: row.lastname } : {}),
    roleIds: JSON.parse(row.role_ids) as string[],
    groupIds: JSON.parse(row.group_ids) as string[],
    allowPasswordLogin: row.allow_password_login === 1,
    ...(row.creator_id !== null ? { creatorId: row.creator_id } : {}),
    state: row.state,
    expiresAt: row.expires_at,
    ...(row.accepted_user_id !== null ? { acceptedUserId: row.accepted_user_id } : {}),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
