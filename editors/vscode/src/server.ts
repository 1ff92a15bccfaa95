// Where the corpus-ls executable is: the setting first, then PATH, then cargo's bin folder.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The outcome of the search: the executable, if any, and every place looked at. */
export interface FoundServer {
  path?: string;
  tried: string[];
}

const EXE = process.platform === 'win32' ? 'corpus-ls.exe' : 'corpus-ls';

/** Expands `~` and `${workspaceFolder}` in a user-supplied path. */
export function expandPath(p: string, workspaceFolder?: string): string {
  let out = p.trim();
  if (out === '~' || out.startsWith('~/') || out.startsWith('~\\')) {
    out = path.join(os.homedir(), out.slice(1));
  }
  if (workspaceFolder) {
    out = out.split('${workspaceFolder}').join(workspaceFolder);
  }
  if (!path.isAbsolute(out) && workspaceFolder && (out.includes('/') || out.includes('\\'))) {
    out = path.join(workspaceFolder, out);
  }
  return out;
}

function isExecutable(p: string): boolean {
  try {
    const st = fs.statSync(p);
    if (!st.isFile()) return false;
    if (process.platform !== 'win32') fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Finds the server from `configured` (the corpusLs.serverPath setting), PATH and ~/.cargo/bin. */
export function findServer(configured: string, workspaceFolder?: string): FoundServer {
  const tried: string[] = [];
  if (configured.trim() !== '') {
    const p = expandPath(configured, workspaceFolder);
    // A bare name ("corpus-ls-dev") is looked up on PATH like a shell would.
    if (path.isAbsolute(p)) {
      tried.push(p);
      return { path: isExecutable(p) ? p : undefined, tried };
    }
    return searchPath(p, tried);
  }
  const onPath = searchPath(EXE, tried);
  if (onPath.path) return onPath;
  // Editors started from a desktop launcher often lack ~/.cargo/bin on PATH.
  const cargoHome = process.env.CARGO_HOME || path.join(os.homedir(), '.cargo');
  const cargo = path.join(cargoHome, 'bin', EXE);
  tried.push(cargo);
  return { path: isExecutable(cargo) ? cargo : undefined, tried };
}

function searchPath(name: string, tried: string[]): FoundServer {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    tried.push(candidate);
    if (isExecutable(candidate)) return { path: candidate, tried };
  }
  return { path: undefined, tried };
}
