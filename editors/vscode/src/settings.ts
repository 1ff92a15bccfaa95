// The corpus settings the user gave in VS Code, in the shape of corpus-ls.toml.
import * as vscode from 'vscode';

/** The configuration section of this extension (also the language client's id). */
export const SECTION = 'corpusLs';

/**
 * The sections the server may ask for in workspace/configuration: this extension's own, and
 * the server's name for its settings. Both get the same answer.
 */
export const SERVER_SECTIONS = [SECTION, 'corpus-ls'];

/** Settings that mirror keys of corpus-ls.toml, under the same names. */
export const CORPUS_KEYS = ['include', 'exclude', 'notes', 'severity', 'entities', 'ignore'] as const;

/**
 * The corpus settings the user set explicitly (user, workspace or folder level), for
 * initializationOptions and workspace/configuration. Defaults are left out on purpose: an
 * unset setting must not hide the value in the corpus's own corpus-ls.toml.
 */
export function corpusSettings(scopeUri?: string): Record<string, unknown> {
  const scope = scopeUri ? vscode.Uri.parse(scopeUri) : undefined;
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  const out: Record<string, unknown> = {};
  for (const key of CORPUS_KEYS) {
    const i = config.inspect(key);
    const set =
      i?.workspaceFolderValue !== undefined ||
      i?.workspaceValue !== undefined ||
      i?.globalValue !== undefined;
    if (set) out[key] = config.get(key);
  }
  return out;
}
