//! Registers podsec-lsp with Zed for YAML. Zed starts only the language servers an extension
//! names; this one runs the `podsec-lsp` the user installed and passes on their settings.

use zed_extension_api::{
    self as zed, LanguageServerId, Worktree, serde_json, settings::LspSettings,
};

struct PodsecExtension;

const SERVER: &str = "podsec-lsp";

impl zed::Extension for PodsecExtension {
    fn new() -> Self {
        PodsecExtension
    }

    fn language_server_command(
        &mut self,
        _: &LanguageServerId,
        worktree: &Worktree,
    ) -> zed::Result<zed::Command> {
        // `lsp.podsec-lsp.binary` in settings.json wins; else podsec-lsp on the worktree's PATH.
        let binary = LspSettings::for_worktree(SERVER, worktree)
            .ok()
            .and_then(|s| s.binary);
        let configured = binary.as_ref().and_then(|b| b.path.clone());
        let command = configured.or_else(|| worktree.which(SERVER)).ok_or_else(|| {
            "podsec-lsp is not on PATH: install it with `cargo install --path .` in the podsec-lsp \
             repository, or set lsp.podsec-lsp.binary.path in settings.json"
                .to_string()
        })?;
        Ok(zed::Command {
            command,
            args: binary
                .as_ref()
                .and_then(|b| b.arguments.clone())
                .unwrap_or_default(),
            env: binary
                .and_then(|b| b.env)
                .map(|env| env.into_iter().collect())
                .unwrap_or_default(),
        })
    }

    fn language_server_initialization_options(
        &mut self,
        id: &LanguageServerId,
        worktree: &Worktree,
    ) -> zed::Result<Option<serde_json::Value>> {
        // The server reads `{podsec: {level, version}}` at start, then asks for it again.
        self.language_server_workspace_configuration(id, worktree)
    }

    fn language_server_workspace_configuration(
        &mut self,
        _: &LanguageServerId,
        worktree: &Worktree,
    ) -> zed::Result<Option<serde_json::Value>> {
        Ok(LspSettings::for_worktree(SERVER, worktree)
            .ok()
            .and_then(|s| s.settings))
    }
}

zed::register_extension!(PodsecExtension);
