//! Code actions, all as `WorkspaceEdit`s the client applies: replace a conflicting figure with
//! the source's, insert a suppression directive, add an alias or "not an entity" to
//! `corpus-ls.toml` (creating the file when it does not exist).

use super::convert::{uri_to_path, TextRef};
use super::query::Ctx;
use crate::format::Format;
use crate::model::Span;
use std::collections::HashMap;
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, CreateFile,
    CreateFileOptions, Diagnostic, DocumentChangeOperation, DocumentChanges, NumberOrString, OneOf,
    OptionalVersionedTextDocumentIdentifier, Position, Range, ResourceOp, TextDocumentEdit,
    TextEdit, Uri, WorkspaceEdit,
};

/// The config file code actions write.
pub const CONFIG_FILE: &str = "corpus-ls.toml";

/// A TOML basic string.
fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// Where and what to insert into `corpus-ls.toml` (its current text, if any) so that `alias`
/// becomes an alias of `name` (of CoNLL type `ty`). `None` when it already is one.
pub fn plan_alias(old: Option<&str>, name: &str, ty: &str, alias: &str) -> Option<(usize, String)> {
    let old = old.unwrap_or("");
    let parsed: Option<toml::Table> = old.parse().ok();
    let entry = parsed
        .as_ref()
        .and_then(|t| t.get("entities"))
        .and_then(|e| e.get(name));
    if let Some(entry) = entry {
        let known = entry
            .get("aliases")
            .and_then(|a| a.as_array())
            .is_some_and(|a| a.iter().any(|v| v.as_str() == Some(alias)));
        if known {
            return None;
        }
        // An inline table on one line: `"Liu He" = { type = "PER", aliases = [...] }`.
        let key = toml_str(name);
        let mut at = 0;
        for line in old.split_inclusive('\n') {
            let t = line.trim_start();
            if t.starts_with(&key)
                || t.starts_with(&format!("{name} "))
                || t.starts_with(&format!("{name}="))
            {
                if let Some(i) = line.find("aliases") {
                    if let Some(b) = line[i..].find('[') {
                        let pos = at + i + b + 1;
                        let empty = line[i + b + 1..].trim_start().starts_with(']');
                        let sep = if empty { "" } else { ", " };
                        return Some((pos, format!("{}{sep}", toml_str(alias))));
                    }
                }
                if let Some(b) = line.find('{') {
                    return Some((at + b + 1, format!(" aliases = [{}],", toml_str(alias))));
                }
            }
            at += line.len();
        }
        return None;
    }
    let line = format!(
        "{} = {{ type = {}, aliases = [{}] }}\n",
        toml_str(name),
        toml_str(ty),
        toml_str(alias)
    );
    // Right after an `[entities]` header, else a new table at the end.
    let mut at = 0;
    for l in old.split_inclusive('\n') {
        at += l.len();
        if l.trim() == "[entities]" {
            let nl = if l.ends_with('\n') { "" } else { "\n" };
            return Some((at, format!("{nl}{line}")));
        }
    }
    let lead = if old.is_empty() {
        ""
    } else if old.ends_with('\n') {
        "\n"
    } else {
        "\n\n"
    };
    Some((old.len(), format!("{lead}[entities]\n{line}")))
}

/// Where and what to insert so that `form` is listed in the top-level `ignore` list.
pub fn plan_ignore(old: Option<&str>, form: &str) -> Option<(usize, String)> {
    let old = old.unwrap_or("");
    let parsed: Option<toml::Table> = old.parse().ok();
    if let Some(list) = parsed
        .as_ref()
        .and_then(|t| t.get("ignore"))
        .and_then(|v| v.as_array())
    {
        if list.iter().any(|v| v.as_str() == Some(form)) {
            return None;
        }
        let mut at = 0;
        for line in old.split_inclusive('\n') {
            let t = line.trim_start();
            if t.starts_with("ignore") && t["ignore".len()..].trim_start().starts_with('=') {
                let b = line.find('[')?;
                let empty = line[b + 1..].trim_start().starts_with(']');
                return Some((
                    at + b + 1,
                    format!("{}{}", toml_str(form), if empty { "" } else { ", " }),
                ));
            }
            at += line.len();
        }
        return None;
    }
    // Top-level keys must come before the first table.
    Some((0, format!("ignore = [{}]\n", toml_str(form))))
}

/// A workspace edit inserting `text` at byte `at` of the config file (`old` its text, if it exists).
fn config_edit(config: &Uri, old: Option<&str>, at: usize, text: String) -> WorkspaceEdit {
    let (pos, create) = match old {
        Some(o) => {
            let lines = crate::document::LineIndex::new(o);
            let p = TextRef::new(o, &lines).position(at, crate::document::Encoding::Utf16);
            (p, false)
        }
        None => (Position::new(0, 0), true),
    };
    let edit = TextDocumentEdit {
        text_document: OptionalVersionedTextDocumentIdentifier {
            uri: config.clone(),
            version: None,
        },
        edits: vec![OneOf::Left(TextEdit::new(Range::new(pos, pos), text))],
    };
    let mut ops = Vec::new();
    if create {
        ops.push(DocumentChangeOperation::Op(ResourceOp::Create(
            CreateFile {
                uri: config.clone(),
                options: Some(CreateFileOptions {
                    overwrite: Some(false),
                    ignore_if_exists: Some(true),
                }),
                annotation_id: None,
            },
        )));
    }
    ops.push(DocumentChangeOperation::Edit(edit));
    WorkspaceEdit {
        document_changes: Some(DocumentChanges::Operations(ops)),
        ..WorkspaceEdit::default()
    }
}

fn action(
    title: String,
    kind: CodeActionKind,
    edit: WorkspaceEdit,
    diag: Option<&Diagnostic>,
) -> CodeActionOrCommand {
    CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(kind),
        diagnostics: diag.map(|d| vec![d.clone()]),
        edit: Some(edit),
        command: None,
        is_preferred: None,
        disabled: None,
        data: None,
    })
}

fn single_edit(uri: &Uri, edit: TextEdit) -> WorkspaceEdit {
    WorkspaceEdit {
        changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
        ..WorkspaceEdit::default()
    }
}

/// The suppression directive for `code` in this file's format, on its own line.
pub fn directive(format: Format, code: &str, indent: &str) -> String {
    match format {
        Format::Markdown => format!("{indent}<!-- corpus-ls: ignore {code} -->\n"),
        _ => format!("{indent}# corpus-ls: ignore {code}\n"),
    }
}

/// The code actions for a range of the context's file. `config_text` is the current text of
/// the root's `corpus-ls.toml` (from the open buffer or disk), `None` when it does not exist.
pub fn code_actions(
    ctx: &Ctx,
    params: &CodeActionParams,
    config_text: Option<&str>,
) -> Vec<CodeActionOrCommand> {
    let mut out = Vec::new();
    let src = ctx.source();
    for d in &params.context.diagnostics {
        let Some(NumberOrString::String(code)) = &d.code else {
            continue;
        };
        if d.source.as_deref() != Some(super::diagnostics::SOURCE) {
            continue;
        }
        if code == "figure-conflict" {
            if let Some(rel) = d.related_information.iter().flatten().next() {
                if let Some(replacement) = related_text(ctx, &rel.location.uri, rel.location.range)
                {
                    out.push(action(
                        format!("Replace with the source's figure: {replacement}"),
                        CodeActionKind::QUICKFIX,
                        single_edit(&ctx.uri, TextEdit::new(d.range, replacement)),
                        Some(d),
                    ));
                }
            }
        }
        let line = d.range.start.line;
        let start = ctx.text().offset(Position::new(line, 0), ctx.enc);
        let indent: String = src.text()[start..]
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect();
        let at = Position::new(line, 0);
        out.push(action(
            format!("Ignore {code} here"),
            CodeActionKind::QUICKFIX,
            single_edit(
                &ctx.uri,
                TextEdit::new(
                    Range::new(at, at),
                    directive(src.analysis.format, code, &indent),
                ),
            ),
            Some(d),
        ));
    }
    // Teaching the corpus about the entity under the cursor.
    let Some(offset) = ctx.offset(params.range.start) else {
        return out;
    };
    let Some((id, span)) = ctx.snap.index().entity_at(ctx.file, offset) else {
        return out;
    };
    let Some(e) = ctx.snap.index().entity(id) else {
        return out;
    };
    let written = span_text(&src.text(), span);
    let Some(config) = super::convert::path_to_uri(&ctx.root.join(CONFIG_FILE)) else {
        return out;
    };
    if !written.eq_ignore_ascii_case(&e.name) {
        if let Some((at, text)) = plan_alias(config_text, &e.name, e.ty.as_str(), &written) {
            out.push(action(
                format!(
                    "Add \u{201c}{written}\u{201d} as an alias of {} in {CONFIG_FILE}",
                    e.name
                ),
                CodeActionKind::REFACTOR,
                config_edit(&config, config_text, at, text),
                None,
            ));
        }
    }
    if let Some((at, text)) = plan_ignore(config_text, &written) {
        out.push(action(
            format!("\u{201c}{written}\u{201d} is not an entity (add to {CONFIG_FILE})"),
            CodeActionKind::REFACTOR,
            config_edit(&config, config_text, at, text),
            None,
        ));
    }
    out
}

fn span_text(text: &str, span: Span) -> String {
    text.get(span.start()..span.end())
        .unwrap_or("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The text at a related location, from the snapshot.
fn related_text(ctx: &Ctx, uri: &Uri, range: Range) -> Option<String> {
    let path = uri_to_path(uri)?;
    let rel = crate::corpus::scan::rel_path(&ctx.root, &path);
    let i = ctx.snap.file_index(&rel)?;
    let t = ctx.text_of(i);
    let span = t.span(range, ctx.enc);
    Some(t.text().get(span.start()..span.end())?.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lsp::lookup::fixture;
    use crate::lsp::query::testing::{ctx, pos};
    use tower_lsp_server::ls_types::{
        CodeActionContext, DiagnosticRelatedInformation, Location, PartialResultParams,
        TextDocumentIdentifier, WorkDoneProgressParams,
    };

    fn apply(old: &str, plan: Option<(usize, String)>) -> String {
        let (at, text) = plan.expect("an edit");
        let mut s = old.to_string();
        s.insert_str(at, &text);
        s.parse::<toml::Table>().expect("valid TOML");
        s
    }

    #[test]
    fn aliases_go_into_new_or_existing_entries() {
        let s = apply("", plan_alias(None, "Liu He", "PER", "mr liu"));
        assert_eq!(
            s,
            "[entities]\n\"Liu He\" = { type = \"PER\", aliases = [\"mr liu\"] }\n"
        );
        assert!(plan_alias(Some(&s), "Liu He", "PER", "mr liu").is_none());
        let s2 = apply(&s, plan_alias(Some(&s), "Liu He", "PER", "Mr. Liu"));
        assert!(s2.contains("aliases = [\"Mr. Liu\", \"mr liu\"]"), "{s2}");
        let s3 = apply(&s2, plan_alias(Some(&s2), "ZTE", "ORG", "zte"));
        assert!(s3.starts_with("[entities]\n\"ZTE\" = "), "{s3}");
        let other = "notes = [\"n/**\"]";
        let s4 = apply(other, plan_alias(Some(other), "Liu He", "PER", "Liu"));
        assert!(s4.starts_with("notes = [\"n/**\"]\n\n[entities]\n"), "{s4}");
        let bare = "[entities]\n\"Liu He\" = { type = \"PER\" }\n";
        let s5 = apply(bare, plan_alias(Some(bare), "Liu He", "PER", "Liu"));
        assert!(
            s5.contains("{ aliases = [\"Liu\"], type = \"PER\" }"),
            "{s5}"
        );
    }

    #[test]
    fn ignored_forms_go_first_or_into_the_list() {
        let s = apply("[entities]\n", plan_ignore(Some("[entities]\n"), "Sterral"));
        assert!(s.starts_with("ignore = [\"Sterral\"]\n[entities]"), "{s}");
        let s2 = apply(&s, plan_ignore(Some(&s), "Share"));
        assert!(s2.starts_with("ignore = [\"Share\", \"Sterral\"]"), "{s2}");
        assert!(plan_ignore(Some(&s2), "Share").is_none());
    }

    fn params(c: &Ctx, at: Position, diagnostics: Vec<Diagnostic>) -> CodeActionParams {
        CodeActionParams {
            text_document: TextDocumentIdentifier { uri: c.uri.clone() },
            range: Range::new(at, at),
            context: CodeActionContext {
                diagnostics,
                only: None,
                trigger_kind: None,
            },
            work_done_progress_params: WorkDoneProgressParams::default(),
            partial_result_params: PartialResultParams::default(),
        }
    }

    #[test]
    fn entity_actions_write_the_config() {
        let c = ctx(fixture::liu(), "b.txt");
        let acts = code_actions(&c, &params(&c, pos(&c, "mr liu", 4), vec![]), None);
        let titles: Vec<String> = acts
            .iter()
            .map(|a| match a {
                CodeActionOrCommand::CodeAction(a) => a.title.clone(),
                _ => String::new(),
            })
            .collect();
        assert_eq!(titles.len(), 2, "{titles:?}");
        assert!(
            // The mention is the name without its honorific.
            titles[0].contains("\u{201c}liu\u{201d} as an alias of Liu He"),
            "{titles:?}"
        );
        let CodeActionOrCommand::CodeAction(a) = &acts[0] else {
            panic!()
        };
        let Some(DocumentChanges::Operations(ops)) = &a.edit.as_ref().unwrap().document_changes
        else {
            panic!("operations")
        };
        assert!(matches!(
            ops[0],
            DocumentChangeOperation::Op(ResourceOp::Create(_))
        ));
    }

    #[test]
    fn conflicts_offer_the_source_figure_and_a_directive() {
        let c = ctx(fixture::liu(), "notes/n.txt");
        let a = ctx(fixture::liu(), "a.txt");
        let src_range = Range::new(pos(&a, "Beijing", 0), pos(&a, "Beijing", 7));
        let d = Diagnostic {
            range: Range::new(pos(&c, "Liu He", 0), pos(&c, "Liu He", 6)),
            code: Some(NumberOrString::String("figure-conflict".into())),
            source: Some("corpus-ls".into()),
            message: "differs".into(),
            related_information: Some(vec![DiagnosticRelatedInformation {
                location: Location::new(a.uri.clone(), src_range),
                message: "source".into(),
            }]),
            ..Diagnostic::default()
        };
        let acts = code_actions(&c, &params(&c, Position::new(0, 0), vec![d]), None);
        let CodeActionOrCommand::CodeAction(fix) = &acts[0] else {
            panic!()
        };
        assert_eq!(fix.title, "Replace with the source's figure: Beijing");
        let CodeActionOrCommand::CodeAction(ign) = &acts[1] else {
            panic!()
        };
        let edits = &ign.edit.as_ref().unwrap().changes.as_ref().unwrap()[&c.uri];
        assert_eq!(edits[0].new_text, "# corpus-ls: ignore figure-conflict\n");
        assert_eq!(
            directive(Format::Markdown, "figure-conflict", "  "),
            "  <!-- corpus-ls: ignore figure-conflict -->\n"
        );
        assert_eq!(edits[0].range.start, Position::new(2, 0));
    }
}
