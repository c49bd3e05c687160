import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { DiscoveryInput, discoverServer } from '../discovery';

/** A temp folder with helpers to create fake binaries in it. */
function sandbox() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'podsec-discovery-'));
  const file = (relative: string, mode: number) => {
    const full = path.join(root, relative);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, '#!/bin/sh\n');
    fs.chmodSync(full, mode);
    return full;
  };
  const input = (overrides: Partial<DiscoveryInput> = {}): DiscoveryInput => ({
    env: { PATH: '' },
    setting: null,
    workspaceFolder: path.join(root, 'workspace'),
    extensionPath: path.join(root, 'extension'),
    homeDir: path.join(root, 'home'),
    platform: 'linux',
    ...overrides,
  });
  return { root, file, input, cleanup: () => fs.rmSync(root, { recursive: true, force: true }) };
}

test('discovery: PODSEC_LSP_PATH wins over the setting, the bundled binary and PATH', (t) => {
  const box = sandbox();
  t.after(box.cleanup);
  const fromEnv = box.file('env/podsec-lsp', 0o755);
  const fromSetting = box.file('setting/podsec-lsp', 0o755);
  box.file('extension/server/podsec-lsp', 0o755);
  box.file('bin/podsec-lsp', 0o755);
  const found = discoverServer(box.input({
    env: { PODSEC_LSP_PATH: fromEnv, PATH: path.join(box.root, 'bin') },
    setting: fromSetting,
  }));
  assert.deepEqual(found, { ok: true, path: fromEnv, source: 'env' });
});

test('discovery: a missing PODSEC_LSP_PATH is an error naming it, not a fall-through', (t) => {
  const box = sandbox();
  t.after(box.cleanup);
  box.file('extension/server/podsec-lsp', 0o755);
  const missing = path.join(box.root, 'nowhere/podsec-lsp');
  const found = discoverServer(box.input({ env: { PODSEC_LSP_PATH: missing, PATH: '' } }));
  assert.equal(
    messageOf(found),
    `PODSEC_LSP_PATH is set to ${missing}, but that file does not exist. Point it at a podsec-lsp ` +
      'binary (`cargo install --path .` in a podsec-lsp checkout installs one in ~/.cargo/bin), or unset it.',
  );
});

test('discovery: an explicit file without the executable bit, or a folder, is an error', (t) => {
  const box = sandbox();
  t.after(box.cleanup);
  const plain = box.file('env/podsec-lsp', 0o644);
  const notExecutable = discoverServer(box.input({ env: { PODSEC_LSP_PATH: plain } }));
  assert.match(messageOf(notExecutable), new RegExp(`but that file is not executable \\(run \`chmod \\+x ${escape(plain)}\`\\)`));
  const folder = discoverServer(box.input({ setting: box.root }));
  assert.match(messageOf(folder), new RegExp(`^podsec\\.server\\.path is set to ${escape(box.root)}, but that is not a file\\.`));
});

test('discovery: the setting wins over the bundled binary, with ~, ${workspaceFolder} and relative paths', (t) => {
  const box = sandbox();
  t.after(box.cleanup);
  box.file('extension/server/podsec-lsp', 0o755);
  const inHome = box.file('home/bin/podsec-lsp', 0o755);
  const inWorkspace = box.file('workspace/tools/podsec-lsp', 0o755);
  assert.deepEqual(discoverServer(box.input({ setting: '~/bin/podsec-lsp' })), { ok: true, path: inHome, source: 'setting' });
  assert.deepEqual(discoverServer(box.input({ setting: '${workspaceFolder}/tools/podsec-lsp' })), { ok: true, path: inWorkspace, source: 'setting' });
  assert.deepEqual(discoverServer(box.input({ setting: 'tools/podsec-lsp' })), { ok: true, path: inWorkspace, source: 'setting' });
  assert.deepEqual(discoverServer(box.input({ setting: './tools/../tools/podsec-lsp' })), { ok: true, path: inWorkspace, source: 'setting' });
});

test('discovery: a bad setting names the resolved path; a relative one needs a workspace folder', (t) => {
  const box = sandbox();
  t.after(box.cleanup);
  box.file('extension/server/podsec-lsp', 0o755);
  const missing = discoverServer(box.input({ setting: '~/missing/podsec-lsp' }));
  const expected = path.join(box.root, 'home/missing/podsec-lsp');
  assert.match(messageOf(missing), new RegExp(`^podsec\\.server\\.path is set to ${escape(expected)}, but that file does not exist\\.`));
  const noFolder = discoverServer(box.input({ setting: 'bin/podsec-lsp', workspaceFolder: undefined }));
  assert.match(messageOf(noFolder), /podsec\.server\.path is set to bin\/podsec-lsp, which is relative to the workspace folder, but no folder is open/);
});

test('discovery: the bundled binary wins over PATH; empty settings count as unset', (t) => {
  const box = sandbox();
  t.after(box.cleanup);
  const bundled = box.file('extension/server/podsec-lsp', 0o755);
  box.file('bin/podsec-lsp', 0o755);
  const found = discoverServer(box.input({ env: { PODSEC_LSP_PATH: ' ', PATH: path.join(box.root, 'bin') }, setting: '' }));
  assert.deepEqual(found, { ok: true, path: bundled, source: 'bundled' });
});

test('discovery: PATH is searched in order, skipping files that are not executable', (t) => {
  const box = sandbox();
  t.after(box.cleanup);
  box.file('extension/server/podsec-lsp', 0o644); // e.g. unpacked without its mode
  box.file('a/podsec-lsp', 0o644);
  const second = box.file('b/podsec-lsp', 0o755);
  box.file('c/podsec-lsp', 0o755);
  // An empty PATH entry means the current folder to a shell: never run a binary from there.
  box.file('cwd/podsec-lsp', 0o755);
  const cwd = process.cwd();
  process.chdir(path.join(box.root, 'cwd'));
  t.after(() => process.chdir(cwd));
  const PATH = ['', path.join(box.root, 'missing'), path.join(box.root, 'a'), path.join(box.root, 'b'), path.join(box.root, 'c')].join(':');
  assert.deepEqual(discoverServer(box.input({ env: { PATH } })), { ok: true, path: second, source: 'path' });
});

test('discovery: when nothing is found, the error lists what was tried and how to fix it', (t) => {
  const box = sandbox();
  t.after(box.cleanup);
  const bundled = path.join(box.root, 'extension/server/podsec-lsp');
  const found = discoverServer(box.input({ env: { PATH: `${box.root}/x:${box.root}/y` } }));
  assert.equal(
    messageOf(found),
    'Cannot find the podsec-lsp language server. Tried: PODSEC_LSP_PATH (not set); ' +
      `podsec.server.path (not set); the bundled server ${bundled} (that file does not exist); ` +
      'podsec-lsp on PATH (not found in 2 folders). Install the server with `cargo install --path .` ' +
      'in a podsec-lsp checkout (and make sure ~/.cargo/bin is on PATH), or set `podsec.server.path` ' +
      'to the binary, or set the PODSEC_LSP_PATH environment variable.',
  );
});

test('discovery: on Windows the binary is podsec-lsp.exe, PATH is split at ";" and needs no mode bit', (t) => {
  const box = sandbox();
  t.after(box.cleanup);
  box.file('a/podsec-lsp', 0o755); // the Unix name is not what Windows runs
  const exe = box.file('b/podsec-lsp.exe', 0o644);
  const PATH = `${path.join(box.root, 'a')};${path.join(box.root, 'b')}`;
  assert.deepEqual(discoverServer(box.input({ platform: 'win32', env: { Path: PATH } })), { ok: true, path: exe, source: 'path' });
  const bundled = box.file('extension/server/podsec-lsp.exe', 0o644);
  assert.deepEqual(discoverServer(box.input({ platform: 'win32', env: { Path: PATH } })), { ok: true, path: bundled, source: 'bundled' });
});

function messageOf(found: ReturnType<typeof discoverServer>): string {
  assert.equal(found.ok, false, `expected an error, got ${JSON.stringify(found)}`);
  return found.ok ? '' : found.message;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
