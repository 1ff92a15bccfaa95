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

/// What code actions know of the root's `corpus-ls.toml`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ConfigFile<'a> {
    /// It does not exist: an edit creates it.
    Missing,
    /// Its current text (the open buffer, else the disk).
    Text(&'a str),
    /// It is a link, or leads out of the root: no edit is planned through it.
    Linked,
}

const BOM: char = '\u{feff}';

/// Edits the config's text (a leading BOM kept in place) with `edit` on the parsed document;
/// the new text, or `None` when the text is not TOML or `edit` finds nothing to do. A real TOML
/// editor keeps the user's layout and never writes a second key beside an existing one.
fn edit_config(
    old: &str,
    edit: impl FnOnce(&mut toml_edit::DocumentMut) -> Option<()>,
) -> Option<String> {
    let (bom, body) = match old.strip_prefix(BOM) {
        Some(rest) => (true, rest),
        None => (false, old),
    };
    let mut doc: toml_edit::DocumentMut = body.parse().ok()?;
    edit(&mut doc)?;
    let mut out = if bom { BOM.to_string() } else { String::new() };
    out.push_str(&doc.to_string());
    Some(out)
}

/// Adds `new` to a string-or-array value: a lone string becomes an array of both. `None` when
/// `new` is there already or the value is of another kind.
fn add_to_list(value: &mut toml_edit::Value, new: &str) -> Option<()> {
    use toml_edit::Value;
    match value {
        Value::String(s) if s.value() == new => None,
        Value::String(s) => {
            let first = s.value().clone();
            let mut list = toml_edit::Array::new();
            list.push(first);
            list.push(new);
            let decor = value.decor().clone();
            *value = Value::Array(list);
            *value.decor_mut() = decor;
            Some(())
        }
        Value::Array(list) if list.iter().any(|v| v.as_str() == Some(new)) => None,
        Value::Array(list) => {
            list.push(new);
            Some(())
        }
        _ => None,
    }
}

/// The config's new text once `alias` is an alias of `name` (of CoNLL type `ty`); `None` when
/// it already is one or the config cannot be edited safely.
pub fn plan_alias(old: Option<&str>, name: &str, ty: &str, alias: &str) -> Option<String> {
    edit_config(old.unwrap_or(""), |doc| {
        let entities = doc
            .entry("entities")
            .or_insert_with(toml_edit::table)
            .as_table_like_mut()?;
        match entities.get_mut(name) {
            Some(entry) => {
                let entry = entry.as_table_like_mut()?;
                match entry.get_mut("aliases") {
                    Some(item) => add_to_list(item.as_value_mut()?, alias),
                    None => {
                        let mut list = toml_edit::Array::new();
                        list.push(alias);
                        entry.insert("aliases", toml_edit::value(list));
                        Some(())
                    }
                }
            }
            None => {
                let mut entry = toml_edit::InlineTable::new();
                entry.insert("type", ty.into());
                let mut list = toml_edit::Array::new();
                list.push(alias);
                entry.insert("aliases", list.into());
                entities.insert(name, toml_edit::value(entry));
                Some(())
            }
        }
    })
}

/// The config's new text once `form` is in the top-level `ignore` list; `None` when it is
/// there already or the config cannot be edited safely.
pub fn plan_ignore(old: Option<&str>, form: &str) -> Option<String> {
    edit_config(old.unwrap_or(""), |doc| match doc.get_mut("ignore") {
        Some(item) => add_to_list(item.as_value_mut()?, form),
        None => {
            let mut list = toml_edit::Array::new();
            list.push(form);
            // Top-level keys come out before the first table.
            doc.insert("ignore", toml_edit::value(list));
            Some(())
        }
    })
}

/// The one edit turning `old` into `new`: the span between their common start and common end
/// (on character boundaries), so an editor's undo and cursor see only what changed.
fn minimal_edit(old: &str, new: &str) -> (Span, String) {
    let mut start = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(start) || !new.is_char_boundary(start) {
        start -= 1;
    }
    let max_end = old.len().min(new.len()) - start;
    let mut end = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(max_end)
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(old.len() - end) || !new.is_char_boundary(new.len() - end) {
        end -= 1;
    }
    (
        Span::new(start, old.len() - end),
        new[start..new.len() - end].to_string(),
    )
}

/// A workspace edit turning the config file's text `old` (`None`: it does not exist yet) into
/// `new`.
fn config_edit(config: &Uri, old: Option<&str>, new: &str) -> WorkspaceEdit {
    let (range, text, create) = match old {
        Some(o) => {
            let (span, text) = minimal_edit(o, new);
            let lines = crate::document::LineIndex::new(o);
            let range = TextRef::new(o, &lines).range(span, crate::document::Encoding::Utf16);
            (range, text, false)
        }
        None => (Range::default(), new.to_string(), true),
    };
    let edit = TextDocumentEdit {
        text_document: OptionalVersionedTextDocumentIdentifier {
            uri: config.clone(),
            version: None,
        },
        edits: vec![OneOf::Left(TextEdit::new(range, text))],
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

/// The code actions for a range of the context's file, given what is known of the root's
/// `corpus-ls.toml`.
pub fn code_actions(
    ctx: &Ctx,
    params: &CodeActionParams,
    config_file: ConfigFile,
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
            // Helix echoes only `data`; other clients may echo only `relatedInformation`.
            let replacement = d
                .data
                .as_ref()
                .and_then(|v| v.get(REPLACEMENT)?.as_str().map(str::to_string))
                .or_else(|| {
                    let rel = d.related_information.iter().flatten().next()?;
                    let source = related_text(ctx, &rel.location.uri, rel.location.range)?;
                    let span = ctx.text().span(d.range, ctx.enc);
                    Some(in_notation(span.slice(&src.text()), &source))
                });
            if let Some(replacement) = replacement {
                out.push(action(
                    format!("Replace with the source's figure: {replacement}"),
                    CodeActionKind::QUICKFIX,
                    single_edit(&ctx.uri, TextEdit::new(d.range, replacement)),
                    Some(d),
                ));
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
    let config_text = match config_file {
        ConfigFile::Missing => None,
        ConfigFile::Text(t) => Some(t),
        ConfigFile::Linked => return out,
    };
    if !written.eq_ignore_ascii_case(&e.name) {
        if let Some(new) = plan_alias(config_text, &e.name, e.ty.as_str(), &written) {
            out.push(action(
                format!(
                    "Add \u{201c}{written}\u{201d} as an alias of {} in {CONFIG_FILE}",
                    e.name
                ),
                CodeActionKind::REFACTOR,
                config_edit(&config, config_text, &new),
                None,
            ));
        }
    }
    if let Some(new) = plan_ignore(config_text, &written) {
        out.push(action(
            format!("\u{201c}{written}\u{201d} is not an entity (add to {CONFIG_FILE})"),
            CodeActionKind::REFACTOR,
            config_edit(&config, config_text, &new),
            None,
        ));
    }
    out
}

/// The key of a figure-conflict diagnostic's `data` holding the quick fix's replacement.
pub const REPLACEMENT: &str = "replacement";

/// The source's figure `source` written in the notation of the note's `note` (both surface
/// texts): the note's words around the figure, its currency sign and its scale word where the
/// source's scale is the same (`about $180 billion` and `130 billion` give `about $130
/// billion`; `5.1bn` and `4.8 billion` give `4.8bn`).
pub fn in_notation(note: &str, source: &str) -> String {
    let (Some(n), Some(s)) = (Figure::of(note), Figure::of(source)) else {
        return source.trim().to_string();
    };
    let currency = if n.currency.is_empty() {
        s.currency
    } else {
        n.currency
    };
    let scale = match (n.scale, s.scale) {
        (Some((nw, nv)), Some((_, sv))) if nv == sv => Some(nw),
        (_, Some((sw, _))) => Some(sw),
        _ => None,
    };
    let mut core = format!("{currency}{}", s.number);
    if let Some(w) = scale {
        // A sign or a short abbreviation sits on the number, a word after a space.
        let glued = n.scale.is_some_and(|(nw, _)| nw == w && n.glued) || w == "%";
        if !glued {
            core.push(' ');
        }
        core.push_str(w);
    }
    format!("{}{core}{}", &note[..n.start], &note[n.end..])
}

/// A figure's pieces in a surface text: where its currency-number-scale core starts and ends,
/// and those three parts.
struct Figure<'a> {
    start: usize,
    end: usize,
    currency: &'a str,
    number: &'a str,
    /// The scale word and its magnitude.
    scale: Option<(&'a str, u32)>,
    /// True when the scale word follows the number with no space.
    glued: bool,
}

impl<'a> Figure<'a> {
    fn of(text: &'a str) -> Option<Figure<'a>> {
        let num_start = text.find(|c: char| c.is_ascii_digit())?;
        let num_len = text[num_start..]
            .find(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.'))
            .unwrap_or(text.len() - num_start);
        let mut num_end = num_start + num_len;
        // A sentence's full stop is not part of the number.
        while text[..num_end].ends_with(['.', ',']) {
            num_end -= 1;
        }
        let before = &text[..num_start];
        let cur_len = before
            .chars()
            .rev()
            .take_while(|c| matches!(c, '$' | '£' | '€' | '¥') || c.is_ascii_uppercase())
            .map(char::len_utf8)
            .sum::<usize>();
        let currency = &before[before.len() - cur_len..];
        // Capitals alone (a name before the number) are no currency.
        let currency = if currency.contains(['$', '£', '€', '¥']) {
            currency
        } else {
            ""
        };
        let after = &text[num_end..];
        let gap = after.len() - after.trim_start().len();
        let word_len = after[gap..]
            .find(|c: char| !(c.is_alphabetic() || c == '%'))
            .unwrap_or(after.len() - gap);
        let word = &after[gap..gap + word_len];
        let magnitude = match word.to_ascii_lowercase().as_str() {
            "thousand" | "k" => Some(3),
            "million" | "m" | "mn" | "mln" => Some(6),
            "billion" | "bn" | "b" => Some(9),
            "trillion" | "tn" | "trn" => Some(12),
            "%" | "percent" | "per" => Some(100),
            _ => None,
        };
        let (scale, end) = match magnitude {
            Some(m) => (Some((word, m)), num_end + gap + word_len),
            None => (None, num_end),
        };
        Some(Figure {
            start: num_start - currency.len(),
            end,
            currency,
            number: &text[num_start..num_end],
            scale,
            glued: gap == 0,
        })
    }
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
    use crate::host::lookup::fixture;
    use crate::lsp::query::testing::{ctx, pos};
    use tower_lsp_server::ls_types::{
        CodeActionContext, DiagnosticRelatedInformation, Location, PartialResultParams,
        TextDocumentIdentifier, WorkDoneProgressParams,
    };

    /// The edited config, checked to be TOML that the config reader takes without a warning,
    /// and the minimal edit to be exactly the change.
    fn apply(old: &str, new: Option<String>) -> String {
        let new = new.expect("an edit");
        let (span, text) = minimal_edit(old, &new);
        let mut s = old.to_string();
        s.replace_range(span.range(), &text);
        assert_eq!(s, new);
        let (_, problem) = crate::config::Config::parse(&s);
        assert!(problem.is_none(), "{s}\n{problem:?}");
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
        assert!(s2.contains("aliases = [\"mr liu\", \"Mr. Liu\"]"), "{s2}");
        let s3 = apply(&s2, plan_alias(Some(&s2), "ZTE", "ORG", "zte"));
        assert!(
            s3.contains("ZTE = { type = \"ORG\", aliases = [\"zte\"] }"),
            "{s3}"
        );
        let other = "notes = [\"n/**\"]";
        let s4 = apply(other, plan_alias(Some(other), "Liu He", "PER", "Liu"));
        assert!(s4.starts_with("notes = [\"n/**\"]\n"), "{s4}");
        let bare = "[entities]\n\"Liu He\" = { type = \"PER\" }\n";
        let s5 = apply(bare, plan_alias(Some(bare), "Liu He", "PER", "Liu"));
        assert!(s5.contains("aliases = [\"Liu\"]"), "{s5}");
    }

    #[test]
    fn odd_configs_are_edited_never_corrupted() {
        // A lone string becomes a list; a second key is never written.
        let one = "ignore = \"Section 301\"\n";
        let s = apply(one, plan_ignore(Some(one), "Share"));
        assert_eq!(s.matches("ignore").count(), 1, "{s}");
        assert!(
            s.contains("\"Section 301\"") && s.contains("\"Share\""),
            "{s}"
        );
        // A BOM stays first.
        let bom = "\u{feff}# mine\n[entities]\n";
        let s = apply(bom, plan_ignore(Some(bom), "Sterral"));
        assert!(
            s.starts_with("\u{feff}ignore = [\"Sterral\"]\n# mine"),
            "{s:?}"
        );
        // Aliases as a lone string, in a table of its own, through dotted keys.
        for cfg in [
            "[entities]\n\"Olga Lind\" = { type = \"PER\", aliases = \"O. L.\" }\n",
            "[entities.\"Olga Lind\"]\ntype = \"PER\"\naliases = \"O. L.\"\n",
            "entities.\"Olga Lind\".type = \"PER\"\nentities.\"Olga Lind\".aliases = [\"O. L.\"]\n",
            "[entities]\n\"Olga Lind\".type = \"PER\"\n\"Olga Lind\".aliases = [\"O. L.\"] # hers\n",
        ] {
            let s = apply(cfg, plan_alias(Some(cfg), "Olga Lind", "PER", "Ms. Lind"));
            assert_eq!(s.matches("aliases").count(), 1, "{s}");
            assert!(s.contains("\"O. L.\"") && s.contains("\"Ms. Lind\""), "{s}");
        }
        // Not TOML, or a key of another kind: no edit rather than a guess.
        assert!(plan_ignore(Some("ignore = [\"a\"\n"), "b").is_none());
        assert!(plan_ignore(Some("ignore = 3\n"), "b").is_none());
        assert!(plan_alias(Some("entities = 3\n"), "A", "PER", "b").is_none());
    }

    #[test]
    fn ignored_forms_go_first_or_into_the_list() {
        let s = apply("[entities]\n", plan_ignore(Some("[entities]\n"), "Sterral"));
        assert!(s.starts_with("ignore = [\"Sterral\"]\n[entities]"), "{s}");
        let s2 = apply(&s, plan_ignore(Some(&s), "Share"));
        assert!(s2.starts_with("ignore = [\"Sterral\", \"Share\"]"), "{s2}");
        assert!(plan_ignore(Some(&s2), "Share").is_none());
    }

    #[test]
    fn minimal_edits_cover_only_the_change() {
        assert_eq!(minimal_edit("abc", "abc"), (Span::new(3, 3), String::new()));
        assert_eq!(
            minimal_edit("a[]z", "a[\"x\"]z"),
            (Span::new(2, 2), "\"x\"".into())
        );
        // Never inside a multi-byte character.
        let (span, text) = minimal_edit("é", "è");
        assert_eq!((span, text.as_str()), (Span::new(0, 2), "è"));
        assert_eq!(minimal_edit("aa", "a").0.len(), 1);
    }

    #[test]
    fn replacements_keep_the_notes_notation() {
        assert_eq!(
            in_notation("about $180 billion", "130 billion"),
            "about $130 billion"
        );
        assert_eq!(in_notation("$180 billion", "$130 billion"), "$130 billion");
        assert_eq!(in_notation("£5.1bn", "4.8 billion"), "£4.8bn");
        assert_eq!(in_notation("12%", "15 percent"), "15%");
        assert_eq!(
            in_notation("about 340 passengers", "300"),
            "about 300 passengers"
        );
        assert_eq!(in_notation("$2 million", "2.5 billion"), "$2.5 billion");
        assert_eq!(in_notation("no figure", "130 billion"), "130 billion");
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
        let acts = code_actions(
            &c,
            &params(&c, pos(&c, "mr liu", 4), vec![]),
            ConfigFile::Missing,
        );
        assert!(code_actions(
            &c,
            &params(&c, pos(&c, "mr liu", 4), vec![]),
            ConfigFile::Linked
        )
        .is_empty());
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
        let acts = code_actions(
            &c,
            &params(&c, Position::new(0, 0), vec![d.clone()]),
            ConfigFile::Missing,
        );
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
        // A client that echoes only `data` (Helix) still gets the fix.
        let helix = Diagnostic {
            related_information: None,
            data: Some(serde_json::json!({ REPLACEMENT: "$130 billion" })),
            ..d
        };
        let acts = code_actions(
            &c,
            &params(&c, Position::new(0, 0), vec![helix]),
            ConfigFile::Missing,
        );
        let CodeActionOrCommand::CodeAction(fix) = &acts[0] else {
            panic!()
        };
        assert_eq!(fix.title, "Replace with the source's figure: $130 billion");
    }
}
