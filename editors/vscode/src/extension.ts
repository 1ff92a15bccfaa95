// VS Code client for the corpus-ls language server: finds the binary, starts `corpus-ls serve`
// over stdio for Markdown and plain-text files, and hands it the user's corpus settings.
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  State,
} from 'vscode-languageclient/node';
import { findServer } from './server';
import { corpusSettings, SECTION, SERVER_SECTIONS } from './settings';
import { CorpusTokenTypes } from './tokens';

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let status: vscode.StatusBarItem;
/** The `serverPath` value the running (or failed) start used. */
let usedServerPath: string | undefined;
/** Starts, stops and restarts run one after another: a setting that changes during a start
 * must not race it (two clients, or a start with the old value winning). */
let lifecycle: Promise<void> = Promise.resolve();
/** Pending retry of a start that found no executable. */
let retryTimer: NodeJS.Timeout | undefined;
let retries = 0;
const RETRY_MS = [1000, 2000, 5000, 10000, 30000];

function queue(step: () => Promise<void>): Promise<void> {
  lifecycle = lifecycle.then(step, step);
  return lifecycle;
}

/** The configured `serverPath`, read fresh (never a configuration object kept from before). */
function configuredServerPath(): string {
  return vscode.workspace.getConfiguration(SECTION).get<string>('serverPath') ?? '';
}

/** Entry point: registers the commands and starts the server. */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  // One channel for the server's stderr log, its window/logMessage and the LSP trace.
  output = vscode.window.createOutputChannel('corpus-ls');
  status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Right, 10);
  status.command = 'corpus-ls.showOutput';
  context.subscriptions.push(output, status);

  context.subscriptions.push(
    vscode.commands.registerCommand('corpus-ls.restart', () => restart()),
    vscode.commands.registerCommand('corpus-ls.showOutput', () => output.show(true)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      // A new binary or new arguments need a new process; corpus settings travel by
      // workspace/didChangeConfiguration instead (sendSettings).
      if (
        e.affectsConfiguration(`${SECTION}.serverPath`) ||
        e.affectsConfiguration(`${SECTION}.serverArgs`) ||
        e.affectsConfiguration(`${SECTION}.serverEnv`)
      ) {
        void restart();
      } else if (e.affectsConfiguration(SECTION)) {
        void sendSettings();
      }
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => recheck()),
    { dispose: () => retryTimer && clearTimeout(retryTimer) },
  );
  await queue(start);
  // A fresh window may activate the extension before the user's settings (or a remote's) are
  // read, and no change event follows when they arrive: look again shortly after.
  for (const ms of [1000, 5000]) {
    const t = setTimeout(recheck, ms);
    context.subscriptions.push({ dispose: () => clearTimeout(t) });
  }
}

/** Restarts when `serverPath` now says something else than what the last start used. */
function recheck(): void {
  const now = configuredServerPath();
  if (usedServerPath !== undefined && now !== usedServerPath) {
    output.appendLine(`[client] corpusLs.serverPath is now ${JSON.stringify(now)}; restarting`);
    void restart();
  }
}

/** Stops the server when VS Code unloads the extension. */
export async function deactivate(): Promise<void> {
  await queue(stop);
}

async function start(): Promise<void> {
  if (retryTimer) {
    clearTimeout(retryTimer);
    retryTimer = undefined;
  }
  const config = vscode.workspace.getConfiguration(SECTION);
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  usedServerPath = configuredServerPath();
  output.appendLine(
    `[client] corpusLs.serverPath = ${JSON.stringify(usedServerPath)}` +
      (usedServerPath ? '' : ' (not set: PATH, then ~/.cargo/bin)'),
  );
  const found = findServer(usedServerPath, folder);
  if (!found.path) {
    setStatus('$(error) corpus-ls', `corpus-ls not found: ${found.tried.join(', ')}`);
    output.appendLine(`[client] corpus-ls executable not found; tried: ${found.tried.join(', ')}`);
    // The binary may still be building, or the setting still arriving: try again a few times.
    if (retries < RETRY_MS.length) {
      const ms = RETRY_MS[retries++];
      output.appendLine(`[client] trying again in ${ms / 1000} s`);
      retryTimer = setTimeout(() => void queue(start), ms);
    }
    if (retries > 1) return; // the message below was shown once already
    // Not awaited: activation must not wait for the user to answer.
    void vscode.window
      .showErrorMessage(
        'corpus-ls: the `corpus-ls` executable was not found. Install it (`cargo install --path .` in the corpus-ls repository) or set `corpusLs.serverPath`.',
        'Open Settings',
      )
      .then((choice) => {
        if (choice === 'Open Settings') {
          void vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.serverPath`);
        }
      });
    return;
  }

  const args = config.get<string[]>('serverArgs') ?? ['serve'];
  const env = { ...process.env, ...(config.get<Record<string, string>>('serverEnv') ?? {}) };
  // No `transport`: with TransportKind.stdio the client would append `--stdio` to the
  // arguments; an Executable without one talks over stdin/stdout anyway.
  const executable = { command: found.path, args, options: { env } };
  const serverOptions: ServerOptions = { run: executable, debug: executable };

  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'markdown' },
      { scheme: 'file', language: 'plaintext' },
    ],
    outputChannel: output,
    initializationOptions: corpusSettings(),
    // No `synchronize`: settings changes are sent by hand (sendSettings) in the same shape
    // as initializationOptions, and file watching is left to the server, which registers
    // workspace/didChangeWatchedFiles dynamically.
    middleware: {
      workspace: {
        // Answer workspace/configuration for `corpusLs` with the same object as
        // initializationOptions: only what the user set, so corpus-ls.toml still rules
        // everything the user left alone.
        configuration: (params, token, next) => {
          const answers = params.items.map((item) =>
            item.section && SERVER_SECTIONS.includes(item.section) ? corpusSettings(item.scopeUri) : undefined,
          );
          if (answers.every((a) => a !== undefined)) {
            return answers;
          }
          return Promise.resolve(next(params, token)).then((fallback) =>
            Array.isArray(fallback) ? fallback.map((v, i) => answers[i] ?? v) : fallback,
          );
        },
      },
    },
  };

  // The id `corpusLs` makes the client read `corpusLs.trace.server` by itself.
  client = new LanguageClient(SECTION, 'corpus-ls', serverOptions, clientOptions);
  client.registerFeature(new CorpusTokenTypes());
  client.onDidChangeState((e) => {
    if (e.newState === State.Running) {
      setStatus('$(book) corpus-ls', `corpus-ls is running (${found.path})`);
    } else if (e.newState === State.Starting) {
      setStatus('$(sync~spin) corpus-ls', 'corpus-ls is starting');
    } else {
      setStatus('$(circle-slash) corpus-ls', 'corpus-ls has stopped; run "corpus-ls: Restart server"');
    }
  });
  retries = 0;
  output.appendLine(`[client] starting ${found.path} ${args.join(' ')}`);
  try {
    await client.start();
  } catch (e) {
    output.appendLine(`[client] the server did not start: ${String(e)}`);
    void vscode.window.showErrorMessage(`corpus-ls did not start: ${String(e)}`, 'Show Log').then((c) => {
      if (c) output.show(true);
    });
  }
}

/** Tells a running server about new corpus settings; it may also pull workspace/configuration. */
async function sendSettings(): Promise<void> {
  if (!client || !client.isRunning()) return;
  await client.sendNotification(DidChangeConfigurationNotification.type, {
    // Under both names, so the server finds them whichever section it reads.
    settings: Object.fromEntries(SERVER_SECTIONS.map((s) => [s, corpusSettings()])),
  });
}

async function stop(): Promise<void> {
  const c = client;
  client = undefined;
  if (c) {
    try {
      await c.stop();
    } catch (e) {
      output.appendLine(`[client] stopping the server failed: ${String(e)}`);
    }
  }
}

function restart(): Promise<void> {
  return queue(async () => {
    output.appendLine('[client] restarting');
    retries = 0;
    await stop();
    await start();
  });
}

function setStatus(text: string, tooltip: string): void {
  status.text = text;
  status.tooltip = tooltip;
  status.show();
}
