//! Hostile files: every CLI command finishes, exits as specified, says what it skipped and why,
//! prints positions that are right in bytes and UTF-16, and reads nothing outside the root.

mod reliability_support;

use reliability_support::{
    check_finishes, check_span_positions, run, strace_works, traced, Sandbox, CANARY,
};
use serde_json::Value;

/// Ordinary prose of our own with names and figures, one paragraph.
const PROSE: &str = "Harwick Mills paid $40 million to Maria Delgado of Lisbon on June 3, 2018, \
                     and its exports rose 12 percent. ";

fn entity_texts(objs: &[Value]) -> Vec<String> {
    objs.iter()
        .filter(|o| o["kind"] == "entity")
        .filter_map(|o| o["text"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn latin1_bytes_are_decoded_said_and_positions_stay_file_bytes() {
    let sb = Sandbox::new();
    sb.write(
        "latin1.txt",
        b"Harwick Mills paid \xa340 million to Maria Delgado of Lisbon on June 3, 2018.\n\n\
          Later, Maria Delgado said the \xa35 fee for Caf\xe9 Porto was fair.\n",
    );
    let r = run(&sb.root, &["spans", "latin1.txt", "--format", "json"]);
    r.expect_code(0, "spans latin1.txt");
    assert!(
        r.stderr.contains("invalid UTF-8"),
        "the lossy decode is not reported: {}",
        r.stderr
    );
    let objs = check_span_positions(&sb.root, &r.json_lines());
    // Spans after the first invalid byte must still point at the file's bytes.
    assert!(
        objs.iter()
            .any(|o| o["start_byte"].as_u64().unwrap() > 20 && o["kind"] == "entity"),
        "no entity found after the invalid byte: {objs:?}"
    );
    run(&sb.root, &["entities", "--format", "json"]).expect_code(0, "entities");
    let (_, r) = check_finishes(&sb.root);
    assert!(r.stderr.contains("invalid UTF-8"), "check: {}", r.stderr);
}

#[test]
fn binary_nul_and_empty_files() {
    let sb = Sandbox::new();
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend((0..4000u32).map(|i| (i * 31 % 251) as u8));
    sb.write("photo.txt", &png);
    sb.write("empty.md", b"");
    sb.write("empty.txt", b"");
    sb.write("blank.md", b"\n\n  \n");
    // NUL bytes past the binary sniff window: read as text, and nothing breaks.
    let mut late = PROSE.repeat(9000 / PROSE.len() + 1).into_bytes();
    late.extend_from_slice(b"\0\0 Maria Delgado\0 returned to Lisbon.\n");
    sb.write("late-nul.txt", &late);
    sb.write("good.md", format!("# Mills\n\n{PROSE}\n"));

    let r = run(&sb.root, &["spans", "photo.txt"]);
    r.expect_code(2, "spans of a binary file");
    assert!(r.stderr.contains("binary"), "no reason given: {}", r.stderr);

    for f in ["empty.md", "empty.txt", "blank.md"] {
        let r = run(&sb.root, &["spans", f, "--format", "json"]);
        r.expect_code(0, f);
        assert!(r.stdout.trim().is_empty(), "{f}: {}", r.stdout);
    }
    let r = run(&sb.root, &["spans", "late-nul.txt", "--format", "json"]);
    r.expect_code(0, "spans late-nul.txt");
    check_span_positions(&sb.root, &r.json_lines());

    let r = run(&sb.root, &["entities", "--format", "json"]);
    r.expect_code(0, "entities");
    assert!(r.stdout.contains("Maria Delgado"), "{}", r.stdout);
    let r = run(&sb.root, &["mentions", "Maria Delgado", "--format", "json"]);
    r.expect_code(0, "mentions");
    let files: Vec<String> = r
        .json_lines()
        .iter()
        .map(|o| o["file"].as_str().unwrap().to_string())
        .collect();
    assert!(files.iter().any(|f| f == "good.md"), "{files:?}");
    assert!(!files.iter().any(|f| f == "photo.txt"), "{files:?}");
    let (_, r) = check_finishes(&sb.root);
    assert!(r.stderr.contains("photo.txt"), "check: {}", r.stderr);
}

#[test]
fn oversized_file_is_skipped_with_a_reason() {
    let sb = Sandbox::new();
    let para = format!("{PROSE}\n\n");
    let huge = para.repeat(60 * 1024 * 1024 / para.len() + 1);
    sb.write("huge.md", &huge);
    sb.write("small.md", format!("# Small\n\n{PROSE}\n"));
    let r = run(&sb.root, &["spans", "huge.md"]);
    r.expect_code(2, "spans of a 60 MB file");
    assert!(
        r.stderr.contains("limit"),
        "no size reason given: {}",
        r.stderr
    );
    let r = run(&sb.root, &["entities", "--format", "json"]);
    r.expect_code(0, "entities beside a 60 MB file");
    let r = run(&sb.root, &["spans", "small.md", "--format", "json"]);
    r.expect_code(0, "spans small.md");
    check_span_positions(&sb.root, &r.json_lines());
    let (_, r) = check_finishes(&sb.root);
    assert!(r.stderr.contains("huge.md"), "check: {}", r.stderr);
}

#[test]
fn two_megabyte_single_line_finishes_with_right_positions() {
    let sb = Sandbox::new();
    // Mostly plain words (as a minified page reads), a name and a figure now and then, and
    // accents and a flag so the line is not ASCII (the slow path of column counting).
    let filler = "and the talks went on for a while as nobody in the room said much about it ";
    let unit = format!("{}{PROSE}Zoë 🇵🇹 waved. ", filler.repeat(5));
    let line: String = unit.repeat(2 * 1024 * 1024 / unit.len() + 1);
    sb.write("oneline.txt", &line);
    let r = run(&sb.root, &["spans", "oneline.txt", "--format", "json"]);
    r.expect_code(0, "spans of a 2 MB line");
    let objs = r.json_lines();
    assert!(objs.len() > 100, "only {} spans", objs.len());
    // Checking every span independently would itself be quadratic: sample, keep the last.
    let sample: Vec<Value> = objs
        .iter()
        .step_by(499)
        .chain(objs.last())
        .cloned()
        .collect();
    check_span_positions(&sb.root, &sample);
    assert!(
        objs.last().unwrap()["start_byte"].as_u64().unwrap() > 2_000_000,
        "spans stop early"
    );
}

/// `check` on the same 2 MB line: seconds in release (it took about 2 minutes while each figure
/// scanned every figure and entity of the file, and each fact scored every other fact of it).
#[test]
fn check_on_a_two_megabyte_line_finishes() {
    let sb = Sandbox::new();
    let filler = "and the talks went on for a while as nobody in the room said much about it ";
    let unit = format!("{}{PROSE}Zoë 🇵🇹 waved. ", filler.repeat(5));
    sb.write("oneline.txt", unit.repeat(2 * 1024 * 1024 / unit.len() + 1));
    check_finishes(&sb.root);
}

#[test]
fn bom_crlf_and_lone_cr_positions() {
    let sb = Sandbox::new();
    sb.write(
        "bom.md",
        "\u{feff}# Harbour Deal\r\n\r\nBy Tessa Morgan\r\n\r\nThe Port of Antwerp paid $2.5 billion \
         to Maersk on Monday, June 4, 2018.\r\nTessa Morgan reported from Brussels.\r\n",
    );
    sb.write(
        "oldmac.txt",
        "Harwick Mills\rpaid $40 million to Maria Delgado\rof Lisbon in 2018.\r",
    );
    sb.write("bom-only.txt", "\u{feff}");
    for f in ["bom.md", "oldmac.txt", "bom-only.txt"] {
        let r = run(&sb.root, &["spans", f, "--format", "json"]);
        r.expect_code(0, f);
        let objs = check_span_positions(&sb.root, &r.json_lines());
        if f == "bom.md" {
            assert!(objs.iter().any(|o| o["kind"] == "figure"), "{objs:?}");
            assert!(!entity_texts(&objs).is_empty(), "{objs:?}");
        }
    }
    check_finishes(&sb.root);
}

#[test]
fn emoji_and_flags_before_entities() {
    let sb = Sandbox::new();
    sb.write(
        "emoji.md",
        "🇬🇧🇫🇷 😀👍🏽 Angela Merkel met Emmanuel Macron in Paris.\n\n\
         👨‍👩‍👧 The summit cost 3 million euros, about 12 percent more than Angela Merkel planned. 𝔘𝔫𝔦𝔠𝔬𝔡𝔢\n",
    );
    sb.write(
        "emoji.txt",
        "✈️ 中文 Harwick Mills paid $40 million to Maria Delgado of Lisbon.\n",
    );
    for f in ["emoji.md", "emoji.txt"] {
        let r = run(&sb.root, &["spans", f, "--format", "json"]);
        r.expect_code(0, f);
        let objs = check_span_positions(&sb.root, &r.json_lines());
        assert!(
            objs.iter().any(|o| o["kind"] == "entity"
                && o["range"]["start"]["line"] == 0
                && o["range"]["start"]["character"].as_u64() > Some(4)),
            "{f}: no entity after the emoji: {objs:?}"
        );
        assert!(objs.iter().any(|o| o["kind"] == "figure"), "{f}: {objs:?}");
    }
    check_finishes(&sb.root);
}

#[test]
fn sixty_level_deep_folders() {
    let sb = Sandbox::new();
    let deep = format!("{}deep.md", "level/".repeat(60));
    sb.write(
        &deep,
        "# Deep\n\nOrlando Figueras founded Deepwater Salvage in Tromsø.\n",
    );
    let r = run(
        &sb.root,
        &["mentions", "Orlando Figueras", "--format", "json"],
    );
    r.expect_code(0, "mentions in a deep file");
    let objs = r.json_lines();
    assert!(
        objs.iter().any(|o| o["file"] == deep.as_str()),
        "deep file not found: {objs:?}"
    );
    check_span_positions(&sb.root, &objs);
    let r = run(&sb.root, &["spans", &deep, "--format", "json"]);
    r.expect_code(0, "spans of a deep file");
    check_finishes(&sb.root);
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_links_out_of_the_root() {
    let sb = Sandbox::new();
    sb.write("a.md", format!("# A\n\n{PROSE}\n"));
    sb.link("loop", ".");
    sb.link("sub/up", "..");
    sb.link("sub/self", "../sub");
    sb.link("ring1", "ring2");
    sb.link("ring2", "ring1");
    sb.link("ring.md", "ring.md");
    sb.link("out.md", "../outside/canary.md");
    sb.link("out.txt", sb.outside.join("canary.txt"));
    sb.link("outdir", "../outside");
    sb.link("broken.md", "nowhere/missing.md");
    sb.link("inside.md", "a.md");

    let r = run(&sb.root, &["entities", "--format", "json"]);
    r.expect_code(0, "entities").expect_no_canary("entities");
    assert!(r.stdout.contains("Maria Delgado"), "{}", r.stdout);
    let r = run(&sb.root, &["mentions", "Maria Delgado", "--format", "json"]);
    r.expect_code(0, "mentions").expect_no_canary("mentions");
    let files: Vec<String> = r
        .json_lines()
        .iter()
        .map(|o| o["file"].as_str().unwrap().to_string())
        .collect();
    // The file and its in-root link only: no walk through `loop` or `sub/up`.
    assert!(
        files.iter().all(|f| f == "a.md" || f == "inside.md"),
        "{files:?}"
    );
    for f in [
        "out.md",
        "out.txt",
        "outdir/canary.md",
        "broken.md",
        "ring.md",
    ] {
        let r = run(&sb.root, &["spans", f, "--root", ".", "--format", "json"]);
        r.expect_code(2, f).expect_no_canary(f);
        assert!(!r.stderr.trim().is_empty(), "{f}: no reason given");
        // Without `--root`, the root is where the link sits, not where it points.
        let r = run(&sb.root, &["spans", f, "--format", "json"]);
        r.expect_code(2, f).expect_no_canary(f);
        assert!(!r.stderr.trim().is_empty(), "{f}: no reason given");
    }
    // Named from a folder below: the root is the link's folder, and still nothing is read.
    let r = run(
        &sb.root.join("sub"),
        &["spans", "../out.md", "--format", "json"],
    );
    r.expect_code(2, "spans ../out.md")
        .expect_no_canary("spans ../out.md");
    // A link inside the root to a file inside it is read, as named or through its target.
    let r = run(&sb.root, &["spans", "inside.md", "--format", "json"]);
    r.expect_code(0, "spans inside.md");
    let objs = r.json_lines();
    assert!(
        !objs.is_empty() && objs.iter().all(|o| o["file"] == "inside.md"),
        "{objs:?}"
    );
    let r = run(&sb.root, &["mentions", CANARY]);
    r.expect_code(1, "mentions of the canary");
    let (_, r) = check_finishes(&sb.root);
    r.expect_no_canary("check");
    assert!(r.stderr.contains("outside the root"), "check: {}", r.stderr);
}

#[test]
fn broken_config_is_reported_and_defaults_apply() {
    let cases: [&[u8]; 4] = [
        b"notes = [\"unterminated\n[entities\n",
        b"notes = 5\nseverity = \"loud\"\n",
        b"[entities]\n\"Maria Delgado\" = { type = \"ALIEN\" }\n",
        b"include = [\"\xff\xfe\"]\n",
    ];
    for (i, cfg) in cases.iter().enumerate() {
        let sb = Sandbox::new();
        sb.write("corpus-ls.toml", cfg);
        sb.write("a.md", format!("# A\n\n{PROSE}\n"));
        let r = run(&sb.root, &["entities", "--format", "json"]);
        r.expect_code(0, &format!("entities with bad config {i}"));
        assert!(
            r.stderr.contains("corpus-ls.toml"),
            "config {i}: the problem is not reported: {}",
            r.stderr
        );
        assert!(
            r.stdout.contains("Maria Delgado"),
            "config {i}: {}",
            r.stdout
        );
        let r = run(&sb.root, &["spans", "a.md", "--format", "json"]);
        r.expect_code(0, &format!("spans with bad config {i}"));
        let (_, r) = check_finishes(&sb.root);
        assert!(
            r.all().contains("corpus-ls.toml"),
            "check, config {i}: {}",
            r.all()
        );
    }
}

#[cfg(unix)]
#[test]
fn config_link_out_of_the_root_is_not_read() {
    let sb = Sandbox::new();
    sb.link("corpus-ls.toml", "../outside/corpus-ls.toml");
    sb.write("a.md", format!("# A\n\n{PROSE}\n"));
    let r = run(&sb.root, &["entities", "--format", "json"]);
    r.expect_code(0, "entities").expect_no_canary("entities");
    let r = run(&sb.root, &["mentions", "Mr. Vantablack"]);
    r.expect_code(1, "mentions of an alias from outside");
    // The query echoes the alias; the canonical name would only come from the outside config.
    assert!(!r.all().contains("Quillon"), "{}", r.all());
    check_finishes(&sb.root).1.expect_no_canary("check");
    let r = run(&sb.root, &["check"]);
    r.expect_no_canary("human check");
}

#[cfg(unix)]
#[test]
fn brat_link_out_of_the_root_is_not_read() {
    let sb = Sandbox::new();
    sb.write(
        "plain.txt",
        "plain words about nothing in particular here\n",
    );
    sb.link("plain.ann", "../outside/canary.ann");
    let r = run(&sb.root, &["spans", "plain.txt", "--format", "json"]);
    r.expect_code(0, "spans plain.txt");
    let objs = r.json_lines();
    assert!(
        !objs
            .iter()
            .any(|o| o["type"] == "MISC" && o["start_byte"] == 0),
        "annotations from outside the root were applied: {objs:?}"
    );
    check_finishes(&sb.root);
}

#[test]
fn note_sources_outside_the_root_or_missing() {
    let sb = Sandbox::new();
    sb.write("articles/mills.md", format!("# Mills\n\n{PROSE}\n"));
    sb.write(
        "notes/claims.md",
        "---\nkind: note\nsources: [../../outside/canary.md, ../../../../../../etc/passwd, \
         /etc/hostname, missing.md, ../articles/mills.md]\n---\n\n\
         Harwick Mills paid $45 million to Maria Delgado. See [the secret](../../outside/canary.md) \
         and [passwords](../../../../../etc/passwd).\n",
    );
    for args in [
        vec!["entities", "--format", "json"],
        vec!["spans", "notes/claims.md", "--format", "json"],
        vec!["mentions", "Maria Delgado", "--format", "json"],
    ] {
        let r = run(&sb.root, &args);
        r.expect_code(0, &args.join(" "))
            .expect_no_canary(&args.join(" "));
        assert!(!r.stdout.contains("root:x:0"), "passwd leaked");
    }
    let (findings, r) = check_finishes(&sb.root);
    r.expect_no_canary("check");
    assert!(!r.all().contains("root:x:0"), "passwd leaked");
    assert_eq!(r.code, Some(1), "source-missing is a warning");
    for path in [
        "../../outside/canary.md",
        "../../../../../../etc/passwd",
        "/etc/hostname",
        "missing.md",
    ] {
        assert!(
            findings.iter().any(|f| f["code"] == "source-missing"
                && f["file"] == "notes/claims.md"
                && f["message"].as_str().unwrap_or("").contains(path)),
            "no finding for the source {path}: {findings:?}"
        );
    }
    assert!(
        !findings
            .iter()
            .any(|f| f["message"].as_str().unwrap_or("").contains("mills.md`")),
        "the good source was reported: {findings:?}"
    );
}

/// Every file the CLI opens (seen with strace) resolves below the root, into the cache folder
/// given to it, or outside the sandbox (the binary's own libraries); never to the canary side.
/// The cache folder is the only place written. Skips when strace cannot run here.
#[cfg(target_os = "linux")]
#[test]
fn strace_sees_no_open_outside_the_root() {
    if !strace_works() {
        return;
    }
    let sb = Sandbox::new();
    sb.write("a.md", format!("# A\n\n{PROSE}\n"));
    sb.write(
        "notes/n.md",
        "---\nsources: [../../outside/canary.md, missing.md]\n---\n\nMaria Delgado got $45 million.\n",
    );
    #[cfg(unix)]
    {
        sb.link("out.md", "../outside/canary.md");
        sb.link("outdir", "../outside");
        sb.link("plain.ann", "../outside/canary.ann");
        sb.link("corpus-ls.toml", "../outside/corpus-ls.toml");
        sb.write("plain.txt", "plain words\n");
    }
    let base = sb.root.parent().unwrap().to_path_buf();
    let cache = base.join("cache");
    std::fs::create_dir_all(&cache).unwrap();
    let listing = |dir: &std::path::Path| {
        let mut out = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            let Ok(rd) = std::fs::read_dir(&d) else {
                continue;
            };
            for e in rd.flatten() {
                let p = e.path();
                let meta = std::fs::symlink_metadata(&p).unwrap();
                if meta.is_dir() {
                    stack.push(p.clone());
                }
                let bytes = if meta.is_file() {
                    std::fs::read(&p).unwrap()
                } else {
                    Vec::new()
                };
                out.push((p, bytes));
            }
        }
        out.sort();
        out
    };
    let root_before = listing(&sb.root);
    let outside_before = listing(&sb.outside);
    // Ignore files above the root (a repository the corpus sits in): never opened.
    std::fs::write(base.join(".gitignore"), "*.md\n").unwrap();
    std::fs::create_dir_all(base.join(".git/info")).unwrap();
    std::fs::write(base.join(".git/info/exclude"), "notes/\n").unwrap();
    let mut cmds: Vec<Vec<&str>> = vec![
        vec!["entities", "--format", "json"],
        vec!["mentions", "Maria Delgado"],
        vec!["spans", "a.md", "plain.txt", "notes/n.md"],
        // Links out of the root, named without `--root`: the root stays where they sit.
        vec!["spans", "out.md"],
        vec!["spans", "outdir/canary.md"],
    ];
    cmds.push(vec!["check", "--format", "json"]);
    for args in cmds {
        let t = traced(&sb.root, &cache, &base.join("strace.log"), &args);
        assert!(t.run.code.is_some(), "{args:?} was killed");
        for real in t.opened.iter().filter(|p| p.starts_with(&base)) {
            assert!(
                real.starts_with(&sb.root) || real.starts_with(&cache),
                "{args:?} opened {} outside the root",
                real.display()
            );
        }
        assert_eq!(t.execs, 1, "{args:?} ran a program:\n{}", t.trace);
        let r = t.run;
        r.expect_no_canary(&format!("{args:?}"));
        // Nothing written but the cache: the corpus and the canary side are as they were, and
        // the sandbox holds no new file besides the trace and the cache folder.
        assert!(
            root_before == listing(&sb.root),
            "{args:?} wrote into the root"
        );
        assert!(
            outside_before == listing(&sb.outside),
            "{args:?} wrote outside the root"
        );
        for e in std::fs::read_dir(&base).unwrap().flatten() {
            let name = e.file_name();
            assert!(
                [
                    "root",
                    "outside",
                    "cache",
                    "strace.log",
                    ".gitignore",
                    ".git"
                ]
                .contains(&&*name.to_string_lossy()),
                "{args:?} wrote {}",
                e.path().display()
            );
        }
    }
    let cached: Vec<_> = listing(&cache)
        .into_iter()
        .filter(|e| e.0.is_file())
        .collect();
    // The analysis cache, and `check`'s facts beside it.
    let names: Vec<String> = cached
        .iter()
        .map(|c| c.0.to_string_lossy().into_owned())
        .collect();
    assert_eq!(cached.len(), 2, "two cache files expected: {names:?}");
    assert_eq!(
        names.iter().filter(|n| n.ends_with(".facts.bin")).count(),
        1,
        "{names:?}"
    );
}
