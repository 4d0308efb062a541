/**
 * HERE's roles (spec §7.1). Organization-scoped roles exist once per organization; `GroupAdmin` once per group and
 * `ProjectAdmin` once per project. What each role allows is defined by the authorization engine.
 */
export const realmRoleNames = [
  'OrgAdmin',
  'OrgInviter',
  'ResourceManager',
  'CrossRealmTrustManager',
  'LicensingAdmin',
  'MonitoringDashboardEditor',
  'MarketplaceConsumer',
  'MarketplaceProvider',
  'RestrictedAccess',
] as const;

export type RealmRoleName = (typeof realmRoleNames)[number];
export type RoleName = RealmRoleName | 'GroupAdmin' | 'ProjectAdmin';
