// The `podsec.*` configuration as the server reads it. Pure Node (no `vscode` import).

/** What the server reads, from initializationOptions or `workspace/configuration`. */
export interface ServerSettings {
  level?: string;
  version?: string;
}

/**
 * Maps the configuration to the server's settings. Unset (null) and empty values are dropped,
 * so that namespace labels and `.podsec.yaml` decide; anything else is passed as is, because
 * the server validates it and says what is wrong.
 */
export function serverSettings(get: (key: 'level' | 'version') => unknown): ServerSettings {
  const settings: ServerSettings = {};
  for (const key of ['level', 'version'] as const) {
    const value = get(key);
    if (typeof value === 'string' && value.trim() !== '') settings[key] = value.trim();
  }
  return settings;
}

/**
 * Whether a configuration change needs a new server process. Only `podsec.server.path` does:
 * `podsec.level` / `podsec.version` reach the running server as
 * `workspace/didChangeConfiguration` (the client's `synchronize.configurationSection`), after
 * which it pulls the `podsec` section and re-checks open documents; `podsec.trace.server` is
 * applied by vscode-languageclient itself.
 */
export function needsRestart(affects: (section: string) => boolean): boolean {
  return affects('podsec.server.path');
}
