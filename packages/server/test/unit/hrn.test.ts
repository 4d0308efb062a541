import { formatHrn, HrnFactory, parseHrn, referencedId, resourceTypeAndId } from '@gatehouse/contracts';
import { describe, expect, it } from 'vitest';

describe('parseHrn and formatHrn', () => {
  // Examples of spec §4 (here-iam-wire.md).
  const examples: Array<
    [string, { partition: string; service: string; region: string; account: string; resource: string }]
  > = [
    [
      'hrn:here:account::myrealm:realm/myrealm',
      { partition: 'here', service: 'account', region: '', account: 'myrealm', resource: 'realm/myrealm' },
    ],
    [
      'hrn:here:account::HERE:user/HERE-c184c17c-0deb-11e5-a6c0-1697f925ec7b',
      {
        partition: 'here',
        service: 'account',
        region: '',
        account: 'HERE',
        resource: 'user/HERE-c184c17c-0deb-11e5-a6c0-1697f925ec7b',
      },
    ],
    [
      'hrn:here:account::myrealm:app/uIkGzYShLKtQQAimXzvV',
      { partition: 'here', service: 'account', region: '', account: 'myrealm', resource: 'app/uIkGzYShLKtQQAimXzvV' },
    ],
    [
      'hrn:here:account::myrealm:apikey/ygfDVbZc7vJQTRGjC5-YXZbuwWwxFu4FxD5SsWbp-no',
      {
        partition: 'here',
        service: 'account',
        region: '',
        account: 'myrealm',
        resource: 'apikey/ygfDVbZc7vJQTRGjC5-YXZbuwWwxFu4FxD5SsWbp-no',
      },
    ],
    [
      'hrn:here-dev:authorization::test-realm-qa-inviteonlyfalse:project/test-project-qa-1',
      {
        partition: 'here-dev',
        service: 'authorization',
        region: '',
        account: 'test-realm-qa-inviteonlyfalse',
        resource: 'project/test-project-qa-1',
      },
    ],
    [
      'hrn:here:authorization::myrealm:project/my-project-0000:policy/all-access-catalog-1',
      {
        partition: 'here',
        service: 'authorization',
        region: '',
        account: 'myrealm',
        resource: 'project/my-project-0000:policy/all-access-catalog-1',
      },
    ],
    [
      'hrn:here:authorization::HERE:platform:policy/read-only-access-to-all-catalogs',
      {
        partition: 'here',
        service: 'authorization',
        region: '',
        account: 'HERE',
        resource: 'platform:policy/read-only-access-to-all-catalogs',
      },
    ],
    [
      'hrn:here:data::olp-here:rib-2',
      { partition: 'here', service: 'data', region: '', account: 'olp-here', resource: 'rib-2' },
    ],
    [
      'hrn:here:data:::service-catalog',
      { partition: 'here', service: 'data', region: '', account: '', resource: 'service-catalog' },
    ],
    ['hrn:here:datastore:::*', { partition: 'here', service: 'datastore', region: '', account: '', resource: '*' }],
    [
      'hrn:here:schema::olp-here:com.here.sdii:sdii_message_v3:4.2.6',
      {
        partition: 'here',
        service: 'schema',
        region: '',
        account: 'olp-here',
        resource: 'com.here.sdii:sdii_message_v3:4.2.6',
      },
    ],
    [
      'hrn:here:artifact:::com.here.platform:cli:12.1.17',
      { partition: 'here', service: 'artifact', region: '', account: '', resource: 'com.here.platform:cli:12.1.17' },
    ],
    [
      'hrn:here:pipeline::test:test_pipeline',
      { partition: 'here', service: 'pipeline', region: '', account: 'test', resource: 'test_pipeline' },
    ],
    [
      'hrn:here-cn:account::org:app/my-app-1234',
      { partition: 'here-cn', service: 'account', region: '', account: 'org', resource: 'app/my-app-1234' },
    ],
    [
      'hrn:here:account::org123456789:identityProvider/example-op',
      {
        partition: 'here',
        service: 'account',
        region: '',
        account: 'org123456789',
        resource: 'identityProvider/example-op',
      },
    ],
    [
      'hrn:here:data:eu-west-1:myrealm:my-catalog:my-layer',
      { partition: 'here', service: 'data', region: 'eu-west-1', account: 'myrealm', resource: 'my-catalog:my-layer' },
    ],
  ];

  it.each(examples)('parses %s and formats it back unchanged', (text, expected) => {
    const parsed = parseHrn(text);
    expect(parsed).toEqual(expected);
    expect(parsed && formatHrn(parsed)).toBe(text);
  });

  it('rejects what is not an HRN', () => {
    for (const text of [
      '',
      'hrn',
      'hrn:',
      'hrn:here:account::myrealm',
      'hrn:here:account:myrealm:',
      'hrn:here:account::myrealm:',
      'hrn::account::myrealm:realm/myrealm',
      'HRN:here:account::myrealm:realm/myrealm',
      'arn:aws:iam::123456789012:user/alice',
      ' hrn:here:account::myrealm:realm/myrealm',
      'hrn:he re:account::myrealm:realm/myrealm',
      'hrn:here:acc/ount::myrealm:realm/myrealm',
      'hrn:here:account::my realm:realm/myrealm',
      'hrn:here:account::myrealm:realm/my realm',
      'hrn:here:account::myrealm:realm/myrealm\n',
      'hrn:here:account::myrealm:realm/\tmyrealm',
      `hrn:here:data::myrealm:${'c'.repeat(2048)}`,
    ]) {
      expect(parseHrn(text), JSON.stringify(text)).toBeUndefined();
    }
  });

  it('accepts an HRN of exactly 2048 characters', () => {
    const prefix = 'hrn:here:data::myrealm:';
    const text = `${prefix}${'c'.repeat(2048 - prefix.length)}`;
    expect(parseHrn(text)?.resource).toHaveLength(2048 - prefix.length);
  });
});

describe('resourceTypeAndId', () => {
  it('splits a resource at its first slash', () => {
    expect(resourceTypeAndId('user/HERE-1')).toEqual({ type: 'user', id: 'HERE-1' });
    expect(resourceTypeAndId('project/p1:policy/x')).toEqual({ type: 'project', id: 'p1:policy/x' });
    expect(resourceTypeAndId('rib-2')).toBeUndefined();
    expect(resourceTypeAndId('/HERE-1')).toBeUndefined();
    expect(resourceTypeAndId('user/')).toBeUndefined();
  });
});

describe('HrnFactory', () => {
  const hrns = new HrnFactory('here');

  it('builds account HRNs of realms, users, apps and keys', () => {
    expect(hrns.realm('myrealm')).toBe('hrn:here:account::myrealm:realm/myrealm');
    expect(hrns.user('myrealm', 'HERE-64badba9-4242-4859-88d5-74563a8f0899')).toBe(
      'hrn:here:account::myrealm:user/HERE-64badba9-4242-4859-88d5-74563a8f0899',
    );
    expect(hrns.app('HERE', 'DdcIHVVKuMvTQrdci1FW')).toBe('hrn:here:account::HERE:app/DdcIHVVKuMvTQrdci1FW');
    expect(hrns.accessKey('myrealm', '846ee567-7806-403a-97b6-6cf0b6ffa897')).toBe(
      'hrn:here:account::myrealm:accesskey/846ee567-7806-403a-97b6-6cf0b6ffa897',
    );
    expect(hrns.apiKey('myrealm', 'ygfDVbZc7vJQTRGjC5-YXZbuwWwxFu4FxD5SsWbp-no')).toBe(
      'hrn:here:account::myrealm:apikey/ygfDVbZc7vJQTRGjC5-YXZbuwWwxFu4FxD5SsWbp-no',
    );
  });

  it('builds authorization HRNs of invites, roles, groups and projects', () => {
    expect(hrns.invite('myrealm', 'AUTHINVITE-84477c71')).toBe(
      'hrn:here:authorization::myrealm:invite/AUTHINVITE-84477c71',
    );
    expect(hrns.role('myrealm', 'ROLE-c1662138-a170-4264-ba18-7b506a708c37')).toBe(
      'hrn:here:authorization::myrealm:role/ROLE-c1662138-a170-4264-ba18-7b506a708c37',
    );
    expect(hrns.group('myrealm', 'GROUP-99b7c7d7-867a-4573-8730-4689be1718c9')).toBe(
      'hrn:here:authorization::myrealm:group/GROUP-99b7c7d7-867a-4573-8730-4689be1718c9',
    );
    expect(hrns.project('myrealm', 'my-project-0000')).toBe('hrn:here:authorization::myrealm:project/my-project-0000');
  });

  it('uses its partition, and its HRNs parse back', () => {
    const china = new HrnFactory('here-cn');
    expect(china.project('org', 'my-project-0000')).toBe('hrn:here-cn:authorization::org:project/my-project-0000');
    expect(parseHrn(china.app('org', 'my-app-1234'))).toEqual({
      partition: 'here-cn',
      service: 'account',
      region: '',
      account: 'org',
      resource: 'app/my-app-1234',
    });
    expect(parseHrn(hrns.user('myrealm', 'HERE-1'))?.resource).toBe('user/HERE-1');
  });
});

describe('referencedId', () => {
  it('takes a bare id as it is and an HRN only of the expected service and types', () => {
    expect(referencedId('GROUP-1', 'authorization', ['group'])).toBe('GROUP-1');
    expect(referencedId('hrn:here:authorization::org:group/GROUP-1', 'authorization', ['group'])).toBe('GROUP-1');
    expect(referencedId('hrn:here:account::org:app/A1', 'account', ['user', 'app'])).toBe('A1');
    expect(referencedId('hrn:here:authorization::org:role/ROLE-1', 'authorization', ['group'])).toBeUndefined();
    expect(referencedId('hrn:here:account::org:group/GROUP-1', 'authorization', ['group'])).toBeUndefined();
    expect(referencedId('hrn:broken', 'authorization', ['group'])).toBeUndefined();
  });

  it('takes an HRN only within the given partition and organization, the organization in any case', () => {
    const within = { partition: 'here', organization: 'MyOrg' };
    const hrn = 'hrn:here:authorization::myorg:project/p1';
    expect(referencedId(hrn, 'authorization', ['project'], within)).toBe('p1');
    expect(referencedId('p1', 'authorization', ['project'], within)).toBe('p1');
    expect(referencedId(hrn, 'authorization', ['project'], { partition: 'here-cn' })).toBeUndefined();
    expect(referencedId(hrn, 'authorization', ['project'], { organization: 'other' })).toBeUndefined();
    expect(referencedId('hrn:here:authorization:::project/p1', 'authorization', ['project'], within)).toBeUndefined();
    expect(referencedId('hrn:here-cn:authorization::other:project/p1', 'authorization', ['project'])).toBe('p1');
  });
});
