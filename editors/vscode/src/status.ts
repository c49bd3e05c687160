// Formats the answer of `podsec/effectivePolicy` for the status bar. Pure Node (no `vscode`).

export const EFFECTIVE_POLICY = 'podsec/effectivePolicy';

export interface EffectivePolicyParams {
  textDocument: { uri: string };
  position?: { line: number; character: number };
}

/** What set a level or a version, and where when that is a file (an LSP Location). */
export interface PolicySource {
  description: string;
  location: { uri: string; range: unknown } | null;
}

export interface ModePolicy {
  /** `level:version`, e.g. `restricted:v1.30`. */
  policy: string;
  /** What set the level, e.g. `label pod-security.kubernetes.io/enforce of Namespace "team-a"`. */
  source: string;
  level?: PolicySource;
  /** What set the version; said in the tooltip when it is not what set the level. */
  version?: PolicySource;
}

interface Subject {
  /** `Kind/name` of the workload at the cursor, or null when the file has none. */
  object: string | null;
  namespace: string | null;
}

/** null: the server does not have the document open. */
export type EffectivePolicy =
  | null
  | (Subject & { enforce: ModePolicy; warn: ModePolicy; audit: ModePolicy })
  | (Subject & { exempt: string });

export interface StatusView {
  text: string;
  tooltip: string;
}

/** The status bar item for an answer, or undefined to hide it. */
export function formatStatus(answer: EffectivePolicy): StatusView | undefined {
  if (answer === null) return undefined;
  const subject = describeSubject(answer);
  if ('exempt' in answer) {
    return { text: '$(shield) exempt', tooltip: `Pod Security: ${subject} is not evaluated: ${answer.exempt}` };
  }
  const { enforce, warn, audit } = answer;
  // With nothing configured, enforce is privileged and warn restricted: a stricter warn level
  // is shown too, or the item would claim that nothing is checked.
  const text = strictness(warn.policy) > strictness(enforce.policy)
    ? `$(shield) ${enforce.policy} (warn ${warn.policy})`
    : `$(shield) ${enforce.policy}`;
  const line = (name: string, mode: ModePolicy) => {
    const version = mode.version?.description;
    const versionNote = version && version !== mode.source ? `; version from ${version}` : '';
    return `${name}: ${mode.policy}, from ${mode.source}${versionNote}`;
  };
  const tooltip = [
    `Pod Security for ${subject}`,
    line('enforce', enforce),
    line('warn', warn),
    line('audit', audit),
  ].join('\n');
  return { text, tooltip };
}

const LEVELS = ['privileged', 'baseline', 'restricted'];

function strictness(policy: string): number {
  return LEVELS.indexOf(policy.split(':')[0]);
}

function describeSubject(answer: Subject): string {
  // Without a workload in the file, the server answers for one without a namespace.
  const object = answer.object ?? 'a workload without a namespace';
  return answer.namespace === null ? object : `${object} in namespace ${answer.namespace}`;
}

/** Runs `action` once calls stop for `delayMs`: cursor moves come in bursts. */
export function debounce(action: () => void, delayMs: number): { call(): void; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  return {
    call() {
      clearTimeout(timer);
      timer = setTimeout(action, delayMs);
    },
    cancel() {
      clearTimeout(timer);
    },
  };
}
