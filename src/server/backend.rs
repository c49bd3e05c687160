//! The `LanguageServer` glue: each handler translates the protocol and calls the session.
//! Notifications that change state call it before any `.await`.

use super::actions::{Wanted, fix_all_kind};
use super::convert::uri_path;
use super::encoding::Encoding;
use super::framing::Frame;
use super::session::{Outgoing, Protocol, Session};
use super::settings::read_settings;
use super::workspace::scan;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use tokio::sync::mpsc;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

pub struct Backend {
    client: Client,
    session: Arc<Session>,
}

/// Parameters of `podsec/effectivePolicy`.
#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EffectivePolicyParams {
    pub text_document: TextDocumentIdentifier,
    pub position: Option<Position>,
}

impl Backend {
    /// `podsec/effectivePolicy`: the policy of the workload at a position, for status bars.
    pub async fn effective_policy(
        &self,
        params: EffectivePolicyParams,
    ) -> Result<serde_json::Value> {
        Ok(self
            .session
            .effective_policy(&params.text_document.uri, params.position))
    }

    pub fn new(
        client: Client,
        session: Arc<Session>,
        outgoing: mpsc::UnboundedReceiver<Outgoing>,
        frames: mpsc::UnboundedSender<Frame>,
    ) -> Backend {
        tokio::spawn(deliver(client.clone(), outgoing, frames));
        Backend { client, session }
    }
}

/// How long the first diagnostics wait for the workspace scan and the client's settings; after
/// that they are published with what is known, and republished when the rest arrives.
const WARM_UP_LIMIT: std::time::Duration = std::time::Duration::from_secs(2);

/// Asks the client for the `podsec` settings section.
async fn pull_settings(client: Client, session: Arc<Session>) {
    let items = vec![ConfigurationItem {
        scope_uri: None,
        section: Some("podsec".to_string()),
    }];
    match client.configuration(items).await {
        // A client with nothing to say answers null; the initialization options then stand.
        Ok(values) => {
            if let Some(value) = values.first().filter(|v| !v.is_null()) {
                session.set_settings(value);
            }
        }
        Err(e) => session.log(
            MessageType::WARNING,
            format!("podsec: workspace/configuration failed: {e}"),
        ),
    }
}

/// Registers for file-watch notifications of YAML files.
async fn watch_files(client: Client, session: Arc<Session>) {
    let watchers = ["**/*.yaml", "**/*.yml"]
        .into_iter()
        .map(|glob| FileSystemWatcher {
            glob_pattern: GlobPattern::String(glob.to_string()),
            kind: None,
        })
        .collect();
    let options = DidChangeWatchedFilesRegistrationOptions { watchers };
    let registration = Registration {
        id: "podsec-watch-yaml".to_string(),
        method: "workspace/didChangeWatchedFiles".to_string(),
        register_options: serde_json::to_value(options).ok(),
    };
    if let Err(e) = client.register_capability(vec![registration]).await {
        session.log(
            MessageType::WARNING,
            format!("podsec: could not watch files: {e}"),
        );
    }
}

/// Sends what the session queued, in order. A burst of publications for one document is sent
/// as its last one. Publications bypass the framework's serialization (see `output`).
async fn deliver(
    client: Client,
    mut queue: mpsc::UnboundedReceiver<Outgoing>,
    frames: mpsc::UnboundedSender<Frame>,
) {
    while let Some(first) = queue.recv().await {
        let mut batch = vec![first];
        while let Ok(next) = queue.try_recv() {
            batch.push(next);
        }
        let last_publish = |uri: &Uri, i: usize| {
            !batch[i + 1..]
                .iter()
                .any(|m| matches!(m, Outgoing::Publish { uri: later, .. } if later == uri))
        };
        let keep: Vec<bool> = batch
            .iter()
            .enumerate()
            .map(|(i, m)| match m {
                Outgoing::Publish { uri, .. } => last_publish(uri, i),
                _ => true,
            })
            .collect();
        for (message, keep) in batch.into_iter().zip(keep) {
            if !keep {
                continue;
            }
            match message {
                Outgoing::Publish { frame, .. } => {
                    let _ = frames.send(frame);
                }
                Outgoing::Log(kind, text) => client.log_message(kind, text).await,
                Outgoing::Show(kind, text) => client.show_message(kind, text).await,
            }
        }
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let encoding = Encoding::negotiate(
            params
                .capabilities
                .general
                .as_ref()
                .and_then(|g| g.position_encodings.as_deref()),
        );
        let workspace = params.capabilities.workspace.as_ref();
        let protocol = Protocol {
            encoding,
            pull_configuration: workspace.and_then(|w| w.configuration).unwrap_or(false),
            watch_files: workspace
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|w| w.dynamic_registration)
                .unwrap_or(false),
        };
        #[allow(deprecated)]
        let roots: Vec<_> = match &params.workspace_folders {
            Some(folders) if !folders.is_empty() => {
                folders.iter().filter_map(|f| uri_path(&f.uri)).collect()
            }
            _ => params
                .root_uri
                .as_ref()
                .and_then(uri_path)
                .into_iter()
                .collect(),
        };
        let (settings, problems) = params
            .initialization_options
            .as_ref()
            .map(read_settings)
            .unwrap_or_default();
        self.session.initialize(protocol, roots, settings);
        self.session.report_settings_problems(problems);
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(encoding.kind()),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        ..TextDocumentSyncOptions::default()
                    },
                )),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, fix_all_kind()]),
                        ..CodeActionOptions::default()
                    },
                )),
                ..ServerCapabilities::default()
            },
            server_info: Some(ServerInfo {
                name: "podsec-lsp".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        // Everything that waits on the client runs on its own, so that `exit` is never held up
        // by a request the client does not answer.
        let roots = self.session.roots();
        let protocol = self.session.protocol();
        let awaited = usize::from(!roots.is_empty()) + usize::from(protocol.pull_configuration);
        self.session.warm_up(awaited);
        if awaited > 0 {
            let session = self.session.clone();
            tokio::spawn(async move {
                tokio::time::sleep(WARM_UP_LIMIT).await;
                session.warmed_up(true);
            });
        }
        if !roots.is_empty() {
            let session = self.session.clone();
            tokio::spawn(async move {
                if let Ok(index) = tokio::task::spawn_blocking(move || scan(&roots)).await {
                    session.apply_disk_index(index);
                }
                session.warmed_up(false);
            });
        }
        if protocol.watch_files {
            tokio::spawn(watch_files(self.client.clone(), self.session.clone()));
        }
        if protocol.pull_configuration {
            let session = self.session.clone();
            let client = self.client.clone();
            tokio::spawn(async move {
                pull_settings(client, session.clone()).await;
                session.warmed_up(false);
            });
        }
    }

    async fn shutdown(&self) -> Result<()> {
        self.session.shut_down.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        self.session.open(doc.uri, doc.version, &doc.text);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let doc = params.text_document;
        self.session
            .change(&doc.uri, doc.version, params.content_changes);
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        self.session.close(&params.text_document.uri);
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        if self.session.protocol().pull_configuration {
            tokio::spawn(pull_settings(self.client.clone(), self.session.clone()));
        } else {
            self.session.set_settings(&params.settings);
        }
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        self.session.files_changed(params.changes);
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let wanted = Wanted {
            invoked: params.context.trigger_kind == Some(CodeActionTriggerKind::INVOKED),
            only: params.context.only,
        };
        let actions = self
            .session
            .code_actions(&params.text_document.uri, params.range, &wanted);
        Ok((!actions.is_empty()).then_some(actions))
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let at = params.text_document_position_params;
        Ok(self.session.hover(&at.text_document.uri, at.position))
    }
}
