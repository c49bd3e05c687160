import assert from 'node:assert/strict';
import { test } from 'node:test';
import { needsRestart, serverSettings } from '../settings';

const from = (config: Record<string, unknown>) => serverSettings((key) => config[key]);

test('settings: level and version are passed to the server as {level, version}', () => {
  assert.deepEqual(from({ level: 'restricted', version: 'v1.30' }), { level: 'restricted', version: 'v1.30' });
  assert.deepEqual(from({ level: ' baseline ', version: 'latest' }), { level: 'baseline', version: 'latest' });
});

test('settings: unset, null and empty values are dropped so that labels and .podsec.yaml decide', () => {
  assert.deepEqual(from({}), {});
  assert.deepEqual(from({ level: null, version: '' }), {});
  assert.deepEqual(from({ level: '  ', version: 'v1.29' }), { version: 'v1.29' });
});

test('settings: invalid strings are passed on, for the server to refuse with a message', () => {
  assert.deepEqual(from({ level: 'strict', version: 'v2' }), { level: 'strict', version: 'v2' });
});

test('settings: only podsec.server.path needs a restart', () => {
  const changed = (...sections: string[]) => (section: string) =>
    sections.some((s) => s === section || s.startsWith(`${section}.`));
  assert.equal(needsRestart(changed('podsec.server.path')), true);
  assert.equal(needsRestart(changed('podsec.level')), false);
  assert.equal(needsRestart(changed('podsec.version')), false);
  assert.equal(needsRestart(changed('podsec.trace.server')), false);
  assert.equal(needsRestart(changed('editor.fontSize')), false);
});
