// Announces the server's own semantic token types to it. vscode-languageclient lists only the
// standard types in the client capabilities; this extension also contributes corpus-ls's
// types (package.json, with theme scopes), so VS Code can colour them and the server may use
// them instead of its standard fallbacks.
import { ClientCapabilities, FeatureState, StaticFeature } from 'vscode-languageclient/node';

/** The token types corpus-ls sends when the client takes them (see package.json). */
export const TOKEN_TYPES = ['person', 'organization', 'place', 'entity', 'misc', 'figure'];
/** The token modifiers corpus-ls adds to the standard ones. */
export const TOKEN_MODIFIERS = ['alias'];

/** A client feature that adds TOKEN_TYPES and TOKEN_MODIFIERS to the client capabilities. */
export class CorpusTokenTypes implements StaticFeature {
  fillClientCapabilities(capabilities: ClientCapabilities): void {
    const st = capabilities.textDocument?.semanticTokens;
    if (!st) return; // the built-in semantic tokens feature did not run: nothing to extend
    st.tokenTypes = [...new Set([...st.tokenTypes, ...TOKEN_TYPES])];
    st.tokenModifiers = [...new Set([...st.tokenModifiers, ...TOKEN_MODIFIERS])];
  }

  initialize(): void {}

  getState(): FeatureState {
    return { kind: 'static' };
  }

  clear(): void {}
}
