import assert from 'node:assert/strict';
import { test } from 'node:test';
import { debounce, EffectivePolicy, formatStatus } from '../status';

const mode = (policy: string, source: string) => ({ policy, source });

test('status: hidden when the server does not have the document', () => {
  assert.equal(formatStatus(null), undefined);
});

test('status: the enforce policy, with every mode and its source in the tooltip', () => {
  const answer: EffectivePolicy = {
    object: 'Deployment/web',
    namespace: 'team-a',
    enforce: mode('restricted:v1.30', 'label pod-security.kubernetes.io/enforce of Namespace "team-a"'),
    warn: mode('restricted:v1.30', 'label pod-security.kubernetes.io/enforce of Namespace "team-a"'),
    audit: mode('privileged:latest', "PSA's default for an unset mode"),
  };
  assert.deepEqual(formatStatus(answer), {
    text: '$(shield) restricted:v1.30',
    tooltip: [
      'Pod Security for Deployment/web in namespace team-a',
      'enforce: restricted:v1.30, from label pod-security.kubernetes.io/enforce of Namespace "team-a"',
      'warn: restricted:v1.30, from label pod-security.kubernetes.io/enforce of Namespace "team-a"',
      "audit: privileged:latest, from PSA's default for an unset mode",
    ].join('\n'),
  });
});

test('status: the version source is said when something else set it', () => {
  const config = { description: 'defaults.enforce in .podsec.yaml', location: null };
  const label = {
    description: 'label pod-security.kubernetes.io/enforce-version of Namespace "team-a"',
    location: { uri: 'file:///ws/ns.yaml', range: {} },
  };
  const enforce = { policy: 'baseline:v1.29', source: config.description, level: config, version: label };
  const same = { ...mode('privileged:latest', "PSA's default"), version: { description: "PSA's default", location: null } };
  const view = formatStatus({ object: 'Pod/a', namespace: 'team-a', enforce, warn: same, audit: same });
  assert.equal(
    view?.tooltip.split('\n')[1],
    'enforce: baseline:v1.29, from defaults.enforce in .podsec.yaml; version from label pod-security.kubernetes.io/enforce-version of Namespace "team-a"',
  );
  assert.equal(view?.tooltip.split('\n')[2], "warn: privileged:latest, from PSA's default");
});

test('status: a warn level stricter than enforce is shown too; a laxer one is not', () => {
  const source = "podsec's default";
  const defaults: EffectivePolicy = {
    object: null,
    namespace: null,
    enforce: mode('privileged:latest', source),
    warn: mode('restricted:latest', source),
    audit: mode('privileged:latest', source),
  };
  const view = formatStatus(defaults);
  assert.equal(view?.text, '$(shield) privileged:latest (warn restricted:latest)');
  assert.match(view?.tooltip ?? '', /^Pod Security for a workload without a namespace\n/);
  const laxWarn = { ...defaults, enforce: mode('baseline:v1.30', source), warn: mode('privileged:latest', source) };
  assert.equal(formatStatus(laxWarn)?.text, '$(shield) baseline:v1.30');
});

test('status: an exempt workload says so and why', () => {
  const view = formatStatus({ object: 'Pod/agent', namespace: 'kube-system', exempt: 'namespace "kube-system" is exempt' });
  assert.deepEqual(view, {
    text: '$(shield) exempt',
    tooltip: 'Pod Security: Pod/agent in namespace kube-system is not evaluated: namespace "kube-system" is exempt',
  });
});

test('status: debounce runs once after the calls stop, and not at all once cancelled', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  let runs = 0;
  const refresh = debounce(() => runs++, 100);
  refresh.call();
  t.mock.timers.tick(60);
  refresh.call();
  t.mock.timers.tick(60);
  assert.equal(runs, 0);
  t.mock.timers.tick(40);
  assert.equal(runs, 1);
  refresh.call();
  refresh.cancel();
  t.mock.timers.tick(1000);
  assert.equal(runs, 1);
});
