// Wiring only: discovery, settings and status formatting live in modules tested without VS Code.
import * as os from 'node:os';
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { SOURCE_LABELS, discoverServer } from './discovery';
import { needsRestart, serverSettings } from './settings';
import { PolicyStatus } from './statusBar';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('Pod Security');
  const trace = vscode.window.createOutputChannel('Pod Security Trace');
  const status = new PolicyStatus();

  // Restarts are queued so that two quick setting changes never run two servers.
  let queue = Promise.resolve();
  const restart = () => {
    queue = queue.then(async () => {
      status.setClient(undefined);
      await client?.dispose();
      client = await startClient(context.extensionPath, output, trace);
      status.setClient(client);
    }).catch((error) => output.appendLine(`Restarting the server failed: ${String(error)}`));
    return queue;
  };

  context.subscriptions.push(
    output,
    trace,
    status,
    vscode.commands.registerCommand('podsec.restartServer', restart),
    vscode.commands.registerCommand('podsec.showOutput', () => output.show()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (needsRestart((section) => e.affectsConfiguration(section))) void restart();
    }),
  );
  await restart();
}

export async function deactivate(): Promise<void> {
  await client?.dispose();
  client = undefined;
}

async function startClient(
  extensionPath: string,
  output: vscode.OutputChannel,
  trace: vscode.OutputChannel,
): Promise<LanguageClient | undefined> {
  const config = vscode.workspace.getConfiguration('podsec');
  const found = discoverServer({
    env: process.env,
    setting: config.get<string | null>('server.path'),
    workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
    extensionPath,
    homeDir: os.homedir(),
    platform: process.platform,
  });
  if (!found.ok) {
    output.appendLine(found.message);
    void vscode.window.showErrorMessage(found.message, 'Open Settings').then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', 'podsec.server.path');
    });
    return undefined;
  }
  output.appendLine(`Starting ${found.path}, found through ${SOURCE_LABELS[found.source]}`);

  const serverOptions: ServerOptions = { command: found.path, transport: TransportKind.stdio };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'yaml' },
      { scheme: 'untitled', language: 'yaml' },
    ],
    // Sends workspace/didChangeConfiguration on `podsec.*` changes; the server then pulls them.
    synchronize: { configurationSection: 'podsec' },
    initializationOptions: serverSettings((key) => config.get(key)),
    outputChannel: output,
    traceOutputChannel: trace,
  };
  // The id `podsec` makes vscode-languageclient honour `podsec.trace.server`.
  const started = new LanguageClient('podsec', 'Pod Security', serverOptions, clientOptions);
  try {
    await started.start();
    return started;
  } catch {
    // vscode-languageclient has already shown and logged why the server did not start.
    await started.dispose().catch(() => undefined);
    return undefined;
  }
}
