import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PAGERDUTY_EVENTS_URL, parseChannel, redactChannel, routeAllows } from './channel.ts';

const SECRET = 'whsec-0123456789abcdef';

test('each channel type parses, PagerDuty gets its default URL', () => {
  const ok = [
    { type: 'webhook', url: 'https://hooks.example.com/vigil', secret: SECRET },
    { type: 'slack', webhook_url: 'https://hooks.slack.com/services/T0/B0/XYZ' },
    { type: 'email', smtp: { host: 'smtp.example.com', port: 587, secure: false, user: 'vigil', password: 'pw' }, from: 'vigil@example.com', to: ['oncall@example.com'] },
    { type: 'alertmanager', url: 'http://alertmanager:9093' },
    { type: 'pagerduty', routing_key: 'R0123' },
  ];
  for (const c of ok) assert.equal(parseChannel(c).ok, true, JSON.stringify(c));
  const pd = parseChannel({ type: 'pagerduty', routing_key: 'R0123' });
  assert.ok(pd.ok && pd.channel.type === 'pagerduty' && pd.channel.url === PAGERDUTY_EVENTS_URL);
});

test('validation messages name the field', () => {
  const cases: [unknown, RegExp][] = [
    [{ type: 'webhook', url: 'https://x.example.com', secret: 'short' }, /^secret must be at least 16 characters$/],
    [{ type: 'webhook', url: 'ftp://x', secret: SECRET }, /^url must be an http\(s\) URL$/],
    [{ type: 'webhook', secret: SECRET }, /^url is required$/],
    [{ type: 'slack', webhook_url: 'not a url' }, /^webhook_url must be an http\(s\) URL$/],
    [{ type: 'email', smtp: { host: 'h', port: 70000, secure: false }, from: 'a@b.c', to: ['x@y.z'] }, /^smtp\.port must be 1-65535$/],
    [{ type: 'email', smtp: { host: 'h', port: 25, secure: 'no' }, from: 'a@b.c', to: ['x@y.z'] }, /^smtp\.secure must be true or false$/],
    [{ type: 'email', smtp: { host: 'h', port: 25, secure: false }, from: 'a@b.c', to: [] }, /^to needs at least one address$/],
    [{ type: 'email', smtp: { host: 'h', port: 25, secure: false }, from: 'nobody', to: ['x@y.z'] }, /^from must be an email address$/],
    [{ type: 'pagerduty', routing_key: '' }, /^routing_key is required$/],
    [{ type: 'sms', number: '1' }, /^type must be one of webhook, slack, email, alertmanager, pagerduty$/],
  ];
  for (const [input, re] of cases) {
    const r = parseChannel(input);
    assert.equal(r.ok, false, JSON.stringify(input));
    if (!r.ok) {
      assert.equal(r.code, 'invalid_channel');
      assert.match(r.message, re, JSON.stringify(input));
    }
  }
});

test('a secret never appears in a validation message or a redacted channel', () => {
  const badSecret = 'hunter2-short';
  const r1 = parseChannel({ type: 'webhook', url: 'https://x.example.com', secret: badSecret });
  assert.ok(!r1.ok && !r1.message.includes(badSecret));
  const r2 = parseChannel({ type: 'email', smtp: { host: 'h', port: 25, secure: false, user: 'u', password: 12345678 }, from: 'a@b.c', to: ['x@y.z'] });
  assert.ok(!r2.ok && r2.message === 'smtp.password must be a string' && !r2.message.includes('12345678'));

  const channels = [
    { type: 'webhook', url: 'https://hooks.example.com/p?token=tok-in-query', secret: SECRET },
    { type: 'slack', webhook_url: 'https://hooks.slack.com/services/T0/B0/slack-secret-path' },
    { type: 'email', smtp: { host: 'smtp.example.com', port: 465, secure: true, user: 'u', password: 'smtp-password-1' }, from: 'a@b.c', to: ['x@y.z'] },
    { type: 'pagerduty', routing_key: 'pd-routing-key-1' },
  ];
  for (const c of channels) {
    const p = parseChannel(c);
    assert.ok(p.ok);
    const shown = JSON.stringify(redactChannel(p.channel));
    for (const s of [SECRET, 'tok-in-query', 'slack-secret-path', 'smtp-password-1', 'pd-routing-key-1']) assert.ok(!shown.includes(s), `${s} leaked in ${shown}`);
  }
});

test('an unknown field is refused by name, never silently dropped (a typo must not lose a password or a header)', () => {
  const cases: [unknown, RegExp][] = [
    [{ type: 'webhook', url: 'https://x.example.com', secret: SECRET, headers: { authorization: 'Bearer t0ken' } }, /^headers is not a field of a webhook channel$/],
    [{ type: 'email', smtp: { host: 'h', port: 25, secure: false, user: 'u', pass: 'hunter2-pass' }, from: 'a@b.c', to: ['x@y.z'] }, /^smtp\.pass is not a field of smtp$/],
    [{ type: 'pagerduty', routing_key: 'R0123', routingkey: 'R0123' }, /^routingkey is not a field of a pagerduty channel$/],
  ];
  for (const [input, re] of cases) {
    const r = parseChannel(input);
    assert.equal(r.ok, false, JSON.stringify(input));
    if (!r.ok) {
      assert.match(r.message, re);
      assert.ok(!/t0ken|hunter2/.test(r.message), 'the message never repeats a value');
    }
  }
});

test('routes: severities and label matches decide; a route with an unknown field or severity is refused by name', () => {
  assert.equal(routeAllows(undefined, {}, 'info'), true);
  assert.equal(routeAllows({ severities: ['critical'] }, {}, 'warning'), false);
  assert.equal(routeAllows({ severities: ['critical', 'warning'] }, {}, 'warning'), true);
  assert.equal(routeAllows({ match: { team: 'risk', model: 'fraud' } }, { team: 'risk', model: 'fraud', x: '1' }, 'info'), true);
  assert.equal(routeAllows({ match: { team: 'risk' } }, { team: 'growth' }, 'info'), false);
  const ok = parseChannel({ type: 'slack', webhook_url: 'https://hooks.slack.test/x', route: { match: { team: 'risk' }, severities: ['critical'] } });
  assert.ok(ok.ok);
  const bad = parseChannel({ type: 'slack', webhook_url: 'https://hooks.slack.test/x', route: { severities: ['urgent'], teams: ['x'] } });
  assert.ok(!bad.ok && /route\.teams is not a field/.test(bad.message) && /route\.severities must be critical, warning or info/.test(bad.message), JSON.stringify(bad));
});
