//! Tests at the host layer: a fixture string (files after `//- path` lines, a cursor `$0`), the
//! host's answers at the cursor (hover card, references as byte spans) and every file's
//! findings, rendered as plain text after each change and compared with insta snapshots
//! (readable diffs when the analysis changes on purpose: `cargo insta review`).

use super::*;
use crate::corpus::Corpus;

/// The files of a fixture and the cursor (file, byte offset), `$0` taken out.
fn parse(spec: &str) -> (Vec<(String, String)>, (String, usize)) {
    let mut files = Vec::new();
    let mut cursor = None;
    for chunk in spec.split("//- ").skip(1) {
        let (rel, body) = chunk.split_once('\n').expect("a path line");
        let mut text = body.to_string();
        if let Some(at) = text.find("$0") {
            text.replace_range(at..at + 2, "");
            cursor = Some((rel.to_string(), at));
        }
        files.push((rel.to_string(), text));
    }
    (files, cursor.expect("a $0 in the fixture"))
}

/// What the host answers at the cursor, and every file's findings.
fn render(snap: &Snapshot, (rel, at): &(String, usize)) -> String {
    let mut out = format!("revision {}\n", snap.revision);
    let index = snap.index();
    let file = snap.file_index(rel).expect("the cursor's file");
    match index
        .entity_at(file, *at)
        .and_then(|(id, _)| index.entity(id))
    {
        Some(e) => {
            out += &format!(
                "hover: {} ({}), {} mentions in {} files\n",
                e.name,
                e.ty.as_str(),
                e.mentions.len(),
                e.files.len()
            );
            for m in &e.mentions {
                let f = &snap.corpus.files[m.file as usize];
                let text = f.text();
                out += &format!(
                    "  ref {} {}..{} {:?}\n",
                    f.rel,
                    m.span.start(),
                    m.span.end(),
                    &text[m.span.range()]
                );
            }
        }
        None => out += "hover: nothing\n",
    }
    for (i, f) in snap.corpus.files.iter().enumerate() {
        for finding in snap.findings(i).iter() {
            out += &format!(
                "finding {} {}..{} {}: {}\n",
                f.rel,
                finding.span.start(),
                finding.span.end(),
                finding.code,
                finding.message
            );
        }
    }
    out
}

/// A host with one root loaded from the fixture's files.
fn host_of(files: &[(String, String)]) -> (AnalysisHost, PathBuf) {
    let host = AnalysisHost::new();
    let root = PathBuf::from("/fixture");
    host.add_root(Place {
        path: root.clone(),
        scope: Scope::Tree,
    });
    let mut corpus = Corpus::default();
    corpus.root = root.clone();
    for (rel, text) in files {
        corpus = corpus.with_file(rel, text.clone());
    }
    host.apply(Change::Loaded {
        root: root.clone(),
        snap: Snapshot::new(corpus),
        config: Arc::default(),
    });
    (host, root)
}

const HARBOUR: &str = "
//- news/harbour.txt
The envoy Marguerite Okonkwo toured the Velmora docks on Monday. The port handled 1,200 \
containers in March, the harbour office said.

Later $0Marguerite Okonkwo met the port board.
//- notes/harbour.md
# Harbour notes

Marguerite Okonkwo visited Velmora. The port handled 1,400 containers in March.
";

#[test]
fn hover_references_and_findings_follow_edits() {
    let (files, cursor) = parse(HARBOUR);
    let (host, root) = host_of(&files);
    let snap = host.snapshot(&root).unwrap();
    insta::assert_snapshot!("loaded", render(&snap, &cursor));
    // Each step: a file now holds a text; the answers after it.
    let write = |rel: &str, text: String| {
        host.apply(Change::File {
            root: root.clone(),
            rel: rel.into(),
            text,
            problems: Vec::new(),
        });
        render(&host.snapshot(&root).unwrap(), &cursor)
    };
    // The note corrected: its finding goes, the references stay.
    let note = files[1].1.replace("1,400", "1,200");
    insta::assert_snapshot!("note_corrected", write("notes/harbour.md", note));
    // A new article naming her: one more file in her references.
    let board = "The board thanked Marguerite Okonkwo for the visit.\n";
    insta::assert_snapshot!("article_added", write("news/board.txt", board.into()));
    host.apply(Change::Removed {
        root: root.clone(),
        rel: "news/board.txt".into(),
    });
    let back = host.snapshot(&root).unwrap();
    let again = render(&back, &cursor);
    let first = render(&snap, &cursor);
    assert_eq!(
        again
            .lines()
            .skip(1)
            .filter(|l| !l.starts_with("finding"))
            .collect::<Vec<_>>(),
        first
            .lines()
            .skip(1)
            .filter(|l| !l.starts_with("finding"))
            .collect::<Vec<_>>(),
        "removing the added file gives the first answers back"
    );
}
