// Finds the podsec-lsp binary. Pure Node (no `vscode` import) so that it is unit-tested directly.
import * as fs from 'node:fs';
import * as path from 'node:path';

const ENV_VAR = 'PODSEC_LSP_PATH';
const SETTING = 'podsec.server.path';

export type ServerSource = 'env' | 'setting' | 'bundled' | 'path';

/** For the output channel: where the running server was found. */
export const SOURCE_LABELS: Record<ServerSource, string> = {
  env: `the ${ENV_VAR} environment variable`,
  setting: `the ${SETTING} setting`,
  bundled: 'the server bundled with the extension',
  path: 'PATH',
};

export type Discovery =
  | { ok: true; path: string; source: ServerSource }
  | { ok: false; message: string };

export interface DiscoveryInput {
  env: Record<string, string | undefined>;
  /** `podsec.server.path`, as configured (null when unset). */
  setting: string | null | undefined;
  /** File-system path of the first workspace folder, if any. */
  workspaceFolder: string | undefined;
  /** Root of the installed extension (holds `server/` in a packaged vsix). */
  extensionPath: string;
  homeDir: string;
  platform: NodeJS.Platform;
}

const HOW_TO_FIX =
  'Install the server with `cargo install --path .` in a podsec-lsp checkout (and make sure ' +
  '~/.cargo/bin is on PATH), or set `podsec.server.path` to the binary, or set the ' +
  `${ENV_VAR} environment variable.`;

/**
 * Discovery order: $PODSEC_LSP_PATH, `podsec.server.path`, the bundled `server/podsec-lsp`,
 * then `podsec-lsp` on PATH. A path the user gave explicitly must work: if it does not, that
 * is the error, rather than silently running some other binary.
 */
export function discoverServer(input: DiscoveryInput): Discovery {
  const exe = input.platform === 'win32' ? 'podsec-lsp.exe' : 'podsec-lsp';
  const tried: string[] = [];

  const fromEnv = input.env[ENV_VAR]?.trim();
  if (fromEnv) {
    return explicit(expandHome(fromEnv, input.homeDir), 'env', `${ENV_VAR} is set to`, input.platform);
  }
  tried.push(`${ENV_VAR} (not set)`);

  const fromSetting = input.setting?.trim();
  if (fromSetting) {
    const resolved = resolveSetting(fromSetting, input);
    if (typeof resolved !== 'string') return resolved;
    return explicit(resolved, 'setting', `${SETTING} is set to`, input.platform);
  }
  tried.push(`${SETTING} (not set)`);

  const bundled = path.join(input.extensionPath, 'server', exe);
  if (isExecutable(bundled, input.platform)) return { ok: true, path: bundled, source: 'bundled' };
  tried.push(`the bundled server ${bundled} (${describeProblem(bundled, input.platform) ?? 'unusable'})`);

  const dirs = (input.env.PATH ?? input.env.Path ?? '')
    .split(input.platform === 'win32' ? ';' : ':')
    .filter((dir) => dir !== '');
  for (const dir of dirs) {
    const candidate = path.join(dir, exe);
    if (isExecutable(candidate, input.platform)) return { ok: true, path: candidate, source: 'path' };
  }
  tried.push(`${exe} on PATH (not found in ${dirs.length} folders)`);

  return {
    ok: false,
    message: `Cannot find the podsec-lsp language server. Tried: ${tried.join('; ')}. ${HOW_TO_FIX}`,
  };
}

/** A path the user named: either it is usable, or the error says what is wrong with it. */
function explicit(file: string, source: ServerSource, origin: string, platform: NodeJS.Platform): Discovery {
  const problem = describeProblem(file, platform);
  if (problem === undefined) return { ok: true, path: file, source };
  return {
    ok: false,
    message:
      `${origin} ${file}, but ${problem}. Point it at a podsec-lsp binary (\`cargo install --path .\` ` +
      'in a podsec-lsp checkout installs one in ~/.cargo/bin), or unset it.',
  };
}

/** `~` is the home folder; `${workspaceFolder}` and relative paths mean the first workspace folder. */
function resolveSetting(value: string, input: DiscoveryInput): string | { ok: false; message: string } {
  const usesFolder = value.includes('${workspaceFolder}');
  let file = expandHome(value, input.homeDir);
  if (usesFolder || !path.isAbsolute(file)) {
    if (input.workspaceFolder === undefined) {
      return {
        ok: false,
        message: `${SETTING} is set to ${value}, which is relative to the workspace folder, but no folder is open. Use an absolute path.`,
      };
    }
    file = usesFolder
      ? file.split('${workspaceFolder}').join(input.workspaceFolder)
      : path.resolve(input.workspaceFolder, file);
  }
  return path.normalize(file);
}

function expandHome(value: string, homeDir: string): string {
  if (value === '~') return homeDir;
  if (value.startsWith('~/') || value.startsWith('~\\')) return path.join(homeDir, value.slice(2));
  return value;
}

function isExecutable(file: string, platform: NodeJS.Platform): boolean {
  return describeProblem(file, platform) === undefined;
}

/** Why `file` cannot be run, or undefined when it can. */
function describeProblem(file: string, platform: NodeJS.Platform): string | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return 'that file does not exist';
  }
  if (!stat.isFile()) return 'that is not a file';
  // Windows has no executable bit: an existing file is as good as it gets.
  if (platform === 'win32') return undefined;
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return undefined;
  } catch {
    return `that file is not executable (run \`chmod +x ${file}\`)`;
  }
}
