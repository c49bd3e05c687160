// Drives the real podsec-lsp binary over stdio with VS Code's own JSON-RPC stack, as
// vscode-languageclient does: the protocol the extension relies on, end to end.
import assert from 'node:assert/strict';
import * as cp from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TestContext, test } from 'node:test';
import {
  CodeAction,
  ConfigurationParams,
  Diagnostic,
  DiagnosticSeverity,
  InitializeParams,
  InitializeResult,
  ProtocolConnection,
  PublishDiagnosticsParams,
  ShowMessageParams,
  StreamMessageReader,
  StreamMessageWriter,
  TextEdit,
  createProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { ServerSettings } from '../settings';
import { EFFECTIVE_POLICY, EffectivePolicy, EffectivePolicyParams, ModePolicy, formatStatus } from '../status';

const EXTENSION_ROOT = path.resolve(__dirname, '..', '..');
const SERVER = process.env.PODSEC_LSP_PATH || path.resolve(EXTENSION_ROOT, '../../target/release/podsec-lsp');

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: team-a
spec:
  template:
    spec:
      containers:
      - name: app
        image: nginx
        securityContext:
          privileged: true
`;

const NAMESPACES = `apiVersion: v1
kind: Namespace
metadata:
  name: team-a
  labels:
    pod-security.kubernetes.io/enforce: restricted
    pod-security.kubernetes.io/enforce-version: v1.30
`;

/** The `podsec` section as VS Code answers workspace/configuration for it. */
function podsecSection(settings: ServerSettings) {
  return { level: null, version: null, ...settings, server: { path: null }, trace: { server: 'off' } };
}

/** A podsec-lsp process with a protocol connection, recording what the server sends. */
class Server {
  readonly messages: ShowMessageParams[] = [];
  private readonly published: PublishDiagnosticsParams[] = [];
  private readonly waiting = new Set<() => void>();
  private readonly exited: Promise<number | null>;

  private constructor(
    child: cp.ChildProcess,
    readonly connection: ProtocolConnection,
    /** What the server gets when it pulls workspace/configuration; tests change it. */
    public configuration: ReturnType<typeof podsecSection>,
  ) {
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      this.published.push(params);
      this.waiting.forEach((wake) => wake());
    });
    connection.onNotification('window/showMessage', (params: ShowMessageParams) => {
      this.messages.push(params);
      this.waiting.forEach((wake) => wake());
    });
    connection.onRequest('workspace/configuration', (params: ConfigurationParams) =>
      params.items.map((item) => (item.section === 'podsec' ? this.configuration : null)),
    );
    connection.onRequest('client/registerCapability', () => null);
    connection.listen();
  }

  static async start(t: TestContext, workspace: string, settings: ServerSettings): Promise<Server> {
    assert.ok(
      fs.existsSync(SERVER),
      `The podsec-lsp binary is missing at ${SERVER}. Build it first (cargo build --release in the ` +
        'repository root) or set PODSEC_LSP_PATH to it. This test does not skip without it.',
    );
    // `--stdio` is what vscode-languageclient appends for TransportKind.stdio.
    const child = cp.spawn(SERVER, ['--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    // A failed or timed-out test must not leave the server running (and the test file hanging).
    t.after(() => child.kill());
    const connection = createProtocolConnection(
      new StreamMessageReader(child.stdout!),
      new StreamMessageWriter(child.stdin!),
    );
    const server = new Server(child, connection, podsecSection(settings));
    const folder = pathToFileURL(workspace).href;
    const params: InitializeParams = {
      processId: process.pid,
      clientInfo: { name: 'node-test' },
      rootUri: folder,
      workspaceFolders: [{ uri: folder, name: path.basename(workspace) }],
      initializationOptions: settings,
      capabilities: {
        general: { positionEncodings: ['utf-16'] },
        workspace: {
          configuration: true,
          workspaceFolders: true,
          didChangeConfiguration: { dynamicRegistration: true },
          didChangeWatchedFiles: { dynamicRegistration: true },
        },
        textDocument: {
          synchronization: { dynamicRegistration: true, didSave: true },
          publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true },
          codeAction: {
            codeActionLiteralSupport: { codeActionKind: { valueSet: ['', 'quickfix', 'source', 'source.fixAll'] } },
            isPreferredSupport: true,
          },
          hover: { contentFormat: ['markdown', 'plaintext'] },
        },
      },
    };
    const result = await connection.sendRequest<InitializeResult>('initialize', params);
    assert.equal(result.serverInfo?.name, 'podsec-lsp');
    await connection.sendNotification('initialized', {});
    return server;
  }

  /** Waits for a publication for `uri` that satisfies `accept`, checking earlier ones too. */
  async diagnostics(uri: string, accept: (d: PublishDiagnosticsParams) => boolean, what: string): Promise<Diagnostic[]> {
    const found = await this.until(() => this.published.find((p) => p.uri === uri && accept(p)), what);
    return found.diagnostics;
  }

  async until<T>(probe: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value !== undefined) return value;
      const left = deadline - Date.now();
      if (left <= 0) assert.fail(`timed out waiting for ${what}`);
      await new Promise<void>((wake) => {
        const done = () => {
          clearTimeout(timer);
          this.waiting.delete(done);
          wake();
        };
        const timer = setTimeout(done, left);
        this.waiting.add(done);
      });
    }
  }

  /** shutdown + exit, as the client does on stop; resolves to the exit code. */
  async stop(): Promise<number | null> {
    await this.connection.sendRequest('shutdown');
    await this.connection.sendNotification('exit');
    const code = await this.exited;
    this.connection.dispose();
    return code;
  }
}

function workspaceWith(files: Record<string, string>): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'podsec-vscode-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(folder, name), text);
  return folder;
}

/** Applies a WorkspaceEdit's TextEdits (all relative to the original text), as VS Code does. */
function applyEdits(text: string, edits: TextEdit[]): string {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const offset = (p: { line: number; character: number }) => lineStarts[p.line] + p.character;
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  return sorted.reduce(
    (result, edit) => result.slice(0, offset(edit.range.start)) + edit.newText + result.slice(offset(edit.range.end)),
    text,
  );
}

function lineOf(text: string, needle: string): number {
  const line = text.split('\n').findIndex((l) => l.includes(needle));
  assert.notEqual(line, -1, `${needle} not in the text`);
  return line;
}

test('integration: privileged diagnostic, its quick fix, and the fix clears it', { timeout: 30_000 }, async (t) => {
  const workspace = workspaceWith({});
  t.after(() => fs.rmSync(workspace, { recursive: true, force: true }));
  const uri = pathToFileURL(path.join(workspace, 'web.yaml')).href;
  const server = await Server.start(t, workspace, { level: 'restricted', version: 'latest' });
  t.diagnostic(`server: ${SERVER}`);

  await server.connection.sendNotification('textDocument/didOpen', {
    textDocument: { uri, languageId: 'yaml', version: 1, text: DEPLOYMENT },
  });
  const before = await server.diagnostics(uri, (p) => p.version === 1, 'the diagnostics of version 1');
  const privileged = before.find((d) => d.code === 'privileged');
  assert.ok(privileged, `no privileged diagnostic in ${JSON.stringify(before.map((d) => d.code))}`);
  const line = lineOf(DEPLOYMENT, 'privileged: true');
  const column = DEPLOYMENT.split('\n')[line].indexOf('true');
  assert.deepEqual(privileged.range, { start: { line, character: column }, end: { line, character: column + 4 } });
  assert.equal(privileged.severity, DiagnosticSeverity.Error);
  assert.equal(privileged.source, 'podsec');
  assert.match(privileged.message, /^violates PodSecurity "restricted:latest": privileged \(container "app" must not set securityContext\.privileged=true\)$/);
  for (const code of ['allowPrivilegeEscalation', 'capabilities_restricted', 'runAsNonRoot', 'seccompProfile_restricted']) {
    assert.ok(before.some((d) => d.code === code), `expected a ${code} diagnostic`);
  }

  const actions = (await server.connection.sendRequest('textDocument/codeAction', {
    textDocument: { uri },
    range: privileged.range,
    context: { diagnostics: [privileged], only: ['quickfix'], triggerKind: 1 },
  })) as CodeAction[] | null;
  const fix = actions?.find((a) => a.kind === 'quickfix' && a.isPreferred && a.diagnostics?.some((d) => d.code === 'privileged'));
  assert.ok(fix?.edit?.changes?.[uri], `no preferred quick fix for privileged in ${JSON.stringify(actions)}`);
  assert.equal(fix.title, 'Set securityContext.privileged: false');
  const fixed = applyEdits(DEPLOYMENT, fix.edit.changes[uri]);
  assert.equal(fixed, DEPLOYMENT.replace('privileged: true', 'privileged: false'));

  // Incremental sync, as the server asked for: the edits as content changes, last one first.
  const changes = [...fix.edit.changes[uri]]
    .sort((a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character)
    .map((edit) => ({ range: edit.range, text: edit.newText }));
  await server.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: changes });
  const after = await server.diagnostics(uri, (p) => p.version === 2, 'the diagnostics of version 2');
  assert.deepEqual(after.filter((d) => d.code === 'privileged'), []);
  assert.ok(after.some((d) => d.code === 'allowPrivilegeEscalation'), 'the other findings stay');

  assert.deepEqual(server.messages, [], 'the server showed no message');
  assert.equal(await server.stop(), 0, 'exit status after shutdown and exit');
});

test('integration: podsec/effectivePolicy answers with the Namespace label policy', { timeout: 30_000 }, async (t) => {
  const workspace = workspaceWith({ 'namespaces.yaml': NAMESPACES });
  t.after(() => fs.rmSync(workspace, { recursive: true, force: true }));
  const uri = pathToFileURL(path.join(workspace, 'web.yaml')).href;
  const server = await Server.start(t, workspace, {});

  await server.connection.sendNotification('textDocument/didOpen', {
    textDocument: { uri, languageId: 'yaml', version: 1, text: DEPLOYMENT },
  });
  // The workspace is indexed in the background; the label's policy shows once it is.
  await server.diagnostics(uri, (p) => p.diagnostics.some((d) => d.message.includes('"restricted:v1.30"')), 'the Namespace label policy');

  const params: EffectivePolicyParams = { textDocument: { uri }, position: { line: lineOf(DEPLOYMENT, 'privileged'), character: 10 } };
  const answer = await server.connection.sendRequest<EffectivePolicy>(EFFECTIVE_POLICY, params);
  const label = 'label pod-security.kubernetes.io/enforce of Namespace "team-a"';
  assert.ok(answer !== null && 'enforce' in answer, JSON.stringify(answer));
  const summary = (m: ModePolicy) => ({ policy: m.policy, source: m.source, version: m.version?.description });
  assert.deepEqual(
    { object: answer.object, namespace: answer.namespace, enforce: summary(answer.enforce), warn: summary(answer.warn), audit: summary(answer.audit) },
    {
      object: 'Deployment/web',
      namespace: 'team-a',
      enforce: { policy: 'restricted:v1.30', source: label, version: 'label pod-security.kubernetes.io/enforce-version of Namespace "team-a"' },
      warn: { policy: 'restricted:v1.30', source: label, version: 'label pod-security.kubernetes.io/enforce-version of Namespace "team-a"' },
      audit: { policy: 'privileged:latest', source: "PSA's default for an unset mode", version: "PSA's default for an unset mode" },
    },
  );
  // The label's own line, to jump to.
  const at = answer.enforce.level?.location;
  assert.ok(at?.uri.endsWith('/namespaces.yaml'), JSON.stringify(at));
  assert.equal((at?.range as { start: { line: number } }).start.line, 5);
  assert.equal(formatStatus(answer)?.text, '$(shield) restricted:v1.30');

  const notOpen = pathToFileURL(path.join(workspace, 'other.yaml')).href;
  assert.equal(await server.connection.sendRequest(EFFECTIVE_POLICY, { textDocument: { uri: notOpen } }), null);
  assert.equal(await server.stop(), 0);
});

test('integration: a podsec.level change reaches the running server without a restart', { timeout: 30_000 }, async (t) => {
  const workspace = workspaceWith({});
  t.after(() => fs.rmSync(workspace, { recursive: true, force: true }));
  const uri = pathToFileURL(path.join(workspace, 'web.yaml')).href;
  const server = await Server.start(t, workspace, { level: 'restricted' });
  await server.connection.sendNotification('textDocument/didOpen', {
    textDocument: { uri, languageId: 'yaml', version: 1, text: DEPLOYMENT },
  });
  await server.diagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'privileged'), 'a privileged finding');

  // What vscode-languageclient sends for `synchronize.configurationSection: 'podsec'`.
  server.configuration = podsecSection({ level: 'privileged' });
  await server.connection.sendNotification('workspace/didChangeConfiguration', { settings: { podsec: server.configuration } });
  await server.diagnostics(uri, (p) => p.diagnostics.length === 0, 'no findings at level privileged');
  const policy = await server.connection.sendRequest<EffectivePolicy>(EFFECTIVE_POLICY, { textDocument: { uri } });
  assert.equal(formatStatus(policy)?.text, '$(shield) privileged:latest');

  // The extension passes values on unchecked: the server must say what is wrong.
  server.configuration = podsecSection({ level: 'strict' });
  await server.connection.sendNotification('workspace/didChangeConfiguration', { settings: { podsec: server.configuration } });
  const refused = await server.until(() => server.messages.find((m) => m.message.includes('podsec.level')), 'a message about podsec.level');
  assert.equal(refused.message, 'podsec.level "strict": must be one of privileged, baseline, restricted; the setting is ignored');
  assert.equal(await server.stop(), 0);
});
