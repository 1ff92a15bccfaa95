use super::*;
use crate::check::check_corpus;

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// Two dated articles on one quantity, a note that disagrees, and hostile names.
fn corpus() -> (tempfile::TempDir, Corpus) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "corpus-ls.toml",
        "[entities]\n\"<script>alert(1)</script>\" = { type = \"ORG\", aliases = [\"Glimmer Works\"] }\n",
    );
    write(
        d,
        "a-first.md",
        "---\ntitle: Mill cuts jobs\ndate: 2021-03-02\n---\n\nThe Glimmer Works mill in Darrowby said it employs 4,000 workers after the cuts.\n",
    );
    write(
        d,
        "b-<i>second.md",
        "---\ntitle: Mill hires again\ndate: 2021-05-09\n---\n\nGlimmer Works said the Darrowby mill now employs 4,600 workers, more than in spring.\n",
    );
    write(
        d,
        "notes/mill.md",
        "---\nsources: [a-first.md]\n---\n\nThe Darrowby mill of Glimmer Works employs 9,000 workers.\n",
    );
    let c = Corpus::load(d);
    (dir, c)
}

#[test]
fn links_are_relative_to_the_page() {
    assert_eq!(relative_base(Path::new("/a/b"), Path::new("/a/b")), "");
    assert_eq!(
        relative_base(Path::new("/a/out"), Path::new("/a/b c")),
        "../b%20c/"
    );
    let l = Links::new(Path::new("/x"), Path::new("/x/corpus"));
    assert_eq!(l.href("notes/a#b.md", 3), "corpus/notes/a%23b.md#L3");
    assert_eq!(l.href("a.md", 0), "corpus/a.md");
}

#[test]
fn the_page_escapes_names_and_holds_every_section() {
    let (dir, c) = corpus();
    let findings = check_corpus(&c);
    let page = render(&c, &findings, &Links::new(dir.path(), dir.path()));
    assert!(!page.contains("<script"), "a name was written as markup");
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(
        !page.contains("<i>second"),
        "a file name was written as markup"
    );
    assert!(page.contains("b-&lt;i&gt;second.md"));
    assert!(page.contains("href=\"b-%3Ci%3Esecond.md"));
    for id in ["entities", "timelines", "findings"] {
        assert!(page.contains(&format!("<section id=\"{id}\">")), "{id}");
    }
    // Nothing is fetched at view time.
    assert!(!page.contains(" src="), "no external resource");
}

#[test]
fn a_quantity_in_two_articles_gets_a_timeline_by_date() {
    let (_dir, c) = corpus();
    let qs = timeline::quantities(&c);
    let q = qs
        .iter()
        .find(|q| q.title.starts_with("count") && q.title.contains("worker"))
        .unwrap_or_else(|| panic!("no workers timeline in {qs:?}"));
    assert_eq!(q.articles, 2);
    // Notes are not on the timeline; the articles are in date order.
    let rels: Vec<&str> = q
        .figures
        .iter()
        .map(|&(f, _)| c.files[f].rel.as_str())
        .collect();
    assert_eq!(rels, ["a-first.md", "b-<i>second.md"]);
}

#[test]
fn figures_a_finding_covers_are_disputed() {
    let (_dir, c) = corpus();
    let findings = check_corpus(&c);
    let conflict = findings
        .iter()
        .find(|f| f.code == crate::check::codes::FIGURE_CONFLICT)
        .unwrap_or_else(|| panic!("the note's 9,000 should conflict: {findings:?}"));
    let d = Disputed::of(&findings);
    assert!(d.covers(&conflict.rel, conflict.span));
    let r = &conflict.related[0];
    assert!(d.covers(&r.rel, r.span));
    assert!(!d.covers(&r.rel, Span::new(0, 1)));
}
