// The status bar item: the effective Pod Security policy of the workload at the cursor.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { EFFECTIVE_POLICY, EffectivePolicy, EffectivePolicyParams, debounce, formatStatus } from './status';

export class PolicyStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Right, 100);
  private readonly refreshSoon = debounce(() => void this.refresh(), 150);
  private readonly listeners: vscode.Disposable[];
  private client: LanguageClient | undefined;
  // Answers can arrive out of order; only the latest request may update the item.
  private latest = 0;

  constructor() {
    this.item.name = 'Pod Security';
    this.item.command = 'podsec.showOutput';
    const isActive = (uri: vscode.Uri) =>
      vscode.window.activeTextEditor?.document.uri.toString() === uri.toString();
    this.listeners = [
      vscode.window.onDidChangeActiveTextEditor(() => this.refreshSoon.call()),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (e.textEditor === vscode.window.activeTextEditor) this.refreshSoon.call();
      }),
      // Diagnostics are republished when a setting, a Namespace label or .podsec.yaml changes.
      vscode.languages.onDidChangeDiagnostics((e) => {
        if (e.uris.some(isActive)) this.refreshSoon.call();
      }),
    ];
  }

  /** The running client, or undefined while there is none (the item is then hidden). */
  setClient(client: LanguageClient | undefined): void {
    this.client = client;
    this.refreshSoon.call();
  }

  private async refresh(): Promise<void> {
    const ticket = ++this.latest;
    const editor = vscode.window.activeTextEditor;
    const client = this.client;
    if (editor === undefined || editor.document.languageId !== 'yaml' || !client?.isRunning()) {
      this.item.hide();
      return;
    }
    const params: EffectivePolicyParams = {
      textDocument: { uri: client.code2ProtocolConverter.asUri(editor.document.uri) },
      position: client.code2ProtocolConverter.asPosition(editor.selection.active),
    };
    let answer: EffectivePolicy;
    try {
      answer = await client.sendRequest<EffectivePolicy>(EFFECTIVE_POLICY, params);
    } catch (error) {
      client.outputChannel.appendLine(`${EFFECTIVE_POLICY} failed: ${String(error)}`);
      answer = null;
    }
    if (ticket !== this.latest) return;
    const view = formatStatus(answer);
    if (view === undefined) {
      this.item.hide();
      return;
    }
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
    this.item.show();
  }

  dispose(): void {
    this.refreshSoon.cancel();
    this.listeners.forEach((listener) => listener.dispose());
    this.item.dispose();
  }
}
