import { test } from 'node:test';
import assert from 'node:assert/strict';
import { grantsFromClaims, OidcMappingSchema, usernameFromClaims } from './oidc-mapping.ts';
import type { Grant } from './types.ts';

const mapping = (m: unknown) => OidcMappingSchema.parse(m);
const ALL = { kind: 'all' } as const;
const RISK = { kind: 'team', team: 'risk' } as const;

const RULES = mapping({
  rules: [
    { value: 'vigil-admins', role: 'admin' },
    { value: 'risk-team', role: 'editor', scope: RISK },
    { value: 'everyone', role: 'viewer' },
    { claim: 'department', value: 'risk', role: 'editor', scope: RISK },
  ],
});

/** [claims, grants expected in rule order] */
const ROWS: [string, Record<string, unknown>, Grant[]][] = [
  ['one group in a list', { groups: ['everyone'] }, [{ role: 'viewer', scope: ALL }]],
  ['a scalar claim equals the value', { groups: 'vigil-admins' }, [{ role: 'admin', scope: ALL }]],
  ['grants come in rule order, not claim order', { groups: ['everyone', 'risk-team', 'vigil-admins'] }, [{ role: 'admin', scope: ALL }, { role: 'editor', scope: RISK }, { role: 'viewer', scope: ALL }]],
  ['two rules giving the same grant give it once', { groups: ['risk-team'], department: 'risk' }, [{ role: 'editor', scope: RISK }]],
  ['a rule on another claim', { groups: [], department: 'risk' }, [{ role: 'editor', scope: RISK }]],
  ['values are compared exactly', { groups: ['Everyone', 'everyone ', 'vigil-admins-x'] }, []],
  ['a list claim is not searched inside strings', { groups: 'everyone,vigil-admins' }, []],
  ['no groups claim at all', { sub: 'x' }, []],
  ['a null claim', { groups: null }, []],
];

for (const [name, claims, want] of ROWS) {
  test(`grantsFromClaims: ${name}`, () => assert.deepEqual(grantsFromClaims(claims, RULES), want));
}

test('a custom groups claim and claim paths with dots reach into nested objects', () => {
  const m = mapping({
    groups_claim: 'realm_access.roles',
    rules: [
      { value: 'vigil-viewer', role: 'viewer' },
      { claim: 'resource_access.vigil.roles', value: 'editor', role: 'editor', scope: RISK },
    ],
  });
  assert.deepEqual(grantsFromClaims({ realm_access: { roles: ['vigil-viewer'] }, resource_access: { vigil: { roles: ['editor'] } } }, m), [
    { role: 'viewer', scope: ALL },
    { role: 'editor', scope: RISK },
  ]);
  assert.deepEqual(grantsFromClaims({ groups: ['vigil-viewer'], realm_access: 'vigil-viewer.x' }, m), [], 'the default claim is no longer read; a string has no fields');
  assert.deepEqual(grantsFromClaims({ realm_access: null, resource_access: { vigil: null } }, m), []);
});

test('a claim whose own name has dots (a namespaced claim) is read whole', () => {
  const m = mapping({ rules: [{ claim: 'https://vigil.example.com/roles', value: 'ml-admin', role: 'admin' }] });
  assert.deepEqual(grantsFromClaims({ 'https://vigil.example.com/roles': ['ml-admin'] }, m), [{ role: 'admin', scope: ALL }]);
});

test('boolean and number values match only the same type', () => {
  const m = mapping({
    rules: [
      { claim: 'is_admin', value: true, role: 'admin' },
      { claim: 'level', value: 3, role: 'editor' },
    ],
  });
  assert.deepEqual(grantsFromClaims({ is_admin: true }, m), [{ role: 'admin', scope: ALL }]);
  assert.deepEqual(grantsFromClaims({ is_admin: 'true' }, m), []);
  assert.deepEqual(grantsFromClaims({ is_admin: false }, m), []);
  assert.deepEqual(grantsFromClaims({ level: 3 }, m), [{ role: 'editor', scope: ALL }]);
  assert.deepEqual(grantsFromClaims({ level: '3' }, m), []);
  assert.deepEqual(grantsFromClaims({ level: [1, 3] }, m), [{ role: 'editor', scope: ALL }]);
});

test('default_grants when no rule matches, and only then', () => {
  const m = mapping({ rules: [{ value: 'vigil-admins', role: 'admin' }], default_grants: [{ role: 'viewer', scope: RISK }] });
  assert.deepEqual(grantsFromClaims({ groups: ['other'] }, m), [{ role: 'viewer', scope: RISK }]);
  assert.deepEqual(grantsFromClaims({}, m), [{ role: 'viewer', scope: RISK }]);
  assert.deepEqual(grantsFromClaims({ groups: ['vigil-admins'] }, m), [{ role: 'admin', scope: ALL }]);
  assert.deepEqual(grantsFromClaims({ groups: ['anything'] }, mapping({})), [], 'no rules and no defaults: no grants (sign-in refused)');
});

test('the schema fills defaults', () => {
  assert.deepEqual(mapping({}), { groups_claim: 'groups', username_claim: 'preferred_username', rules: [], default_grants: [] });
  assert.deepEqual(mapping({ rules: [{ value: 'g', role: 'viewer' }] }).rules, [{ value: 'g', role: 'viewer', scope: ALL }]);
});

test('the schema refuses bad rules and grants', () => {
  const bad: [string, unknown][] = [
    ['unknown role', { rules: [{ value: 'g', role: 'owner' }] }],
    ['empty value', { rules: [{ value: '', role: 'viewer' }] }],
    ['object value', { rules: [{ value: { a: 1 }, role: 'viewer' }] }],
    ['no value', { rules: [{ role: 'viewer' }] }],
    ['no role', { rules: [{ value: 'g' }] }],
    ['unknown rule field', { rules: [{ value: 'g', role: 'viewer', group: 'g' }] }],
    ['empty claim', { rules: [{ claim: '', value: 'g', role: 'viewer' }] }],
    ['team scope without a team', { rules: [{ value: 'g', role: 'viewer', scope: { kind: 'team' } }] }],
    ['empty model list', { rules: [{ value: 'g', role: 'viewer', scope: { kind: 'models', models: [] } }] }],
    ['unknown scope kind', { rules: [{ value: 'g', role: 'viewer', scope: { kind: 'org' } }] }],
    ['rules not a list', { rules: { value: 'g', role: 'viewer' } }],
    ['bad default grant', { default_grants: [{ role: 'root', scope: ALL }] }],
    ['default grant without scope', { default_grants: [{ role: 'viewer' }] }],
    ['empty groups claim', { groups_claim: '' }],
    ['unknown top-level field', { rule: [] }],
  ];
  for (const [name, m] of bad) assert.equal(OidcMappingSchema.safeParse(m).success, false, name);
});

test('usernameFromClaims: the configured claim, else email, else the subject, lowercased and trimmed', () => {
  const m = mapping({});
  const rows: [Record<string, unknown>, string][] = [
    [{ preferred_username: ' Alice ', email: 'a@x.org', sub: 's1' }, 'alice'],
    [{ email: 'Alice@Example.org', sub: 's1' }, 'alice@example.org'],
    [{ preferred_username: '', email: 'a@x.org', sub: 's1' }, 'a@x.org'],
    [{ preferred_username: 42, email: null, sub: 'S-1' }, 's-1'],
    [{ sub: 'subject-1' }, 'subject-1'],
  ];
  for (const [claims, want] of rows) assert.equal(usernameFromClaims(claims, m), want, JSON.stringify(claims));
  const custom = mapping({ username_claim: 'attrs.login' });
  assert.equal(usernameFromClaims({ attrs: { login: 'Bob' }, preferred_username: 'x', sub: 's' }, custom), 'bob');
  assert.equal(usernameFromClaims({ preferred_username: 'x', email: 'e@x.org', sub: 's' }, custom), 'e@x.org', 'the default claim is not a fallback');
  assert.equal(usernameFromClaims({ upn: 'Carol@corp.example', sub: 's' }, mapping({ username_claim: 'upn' })), 'carol@corp.example');
  assert.equal(usernameFromClaims({ preferred_username: '   ', email: '' }, m), null, 'nothing usable');
});
