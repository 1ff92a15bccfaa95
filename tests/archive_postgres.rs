//! The archive in PostgreSQL: a snapshot loaded into a throwaway cluster answers the queries
//! with the single-process numbers, `mentions` in a folder whose config names the archive adds
//! the archive's mentions of files not in the folder, and an archive that is down or silent
//! costs one warning and the local answers, never a hang.

mod archive_support;
use archive_support::*;
use serde_json::Value;
use std::time::{Duration, Instant};

/// A folder holding two of the example articles, its config naming the archive at `url`.
fn small_folder(url: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for f in ["draskov-talks-end.md", "kestrel-halts-production.txt"] {
        std::fs::copy(examples().join(f), dir.path().join(f)).unwrap();
    }
    std::fs::write(
        dir.path().join("corpus-ls.toml"),
        format!("[archive]\npostgres = \"{url}\"\n"),
    )
    .unwrap();
    dir
}

#[test]
fn a_loaded_snapshot_answers_alias_mentions_and_fact_queries_and_mentions_reach_the_archive() {
    let Some(pg) = Pg::start() else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let snap = pipeline(&examples(), work.path(), 3, &mut Lcg(5));
    let loaded = load(&pg.url, &snap);
    assert!(loaded.contains("mentions\t"), "{loaded}");
    let expected = json_lines(&single_process(&examples()).0);
    let top = &expected[0];
    let query = |args: &[&str]| {
        json_lines(&ok(
            bin()
                .args(["archive", "query", "--postgres", &pg.url])
                .args(args)
                .output()
                .unwrap(),
            "archive query",
        ))
    };
    // Any alias, in any case, finds the entity with the single-process counts.
    let alias = top["aliases"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .as_str()
        .unwrap();
    let found = query(&["entity", &alias.to_uppercase()]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["entity"], top["entity"]);
    assert_eq!(found[0]["mentions"], top["mentions"]);
    // Pages of mentions add up to the entity's mentions.
    let name = top["entity"].as_str().unwrap();
    let mut all = Vec::new();
    for page in 0.. {
        let p = query(&[
            "mentions",
            name,
            "--page",
            &page.to_string(),
            "--page-size",
            "7",
        ]);
        if p.is_empty() {
            break;
        }
        assert!(p.len() <= 7);
        all.extend(p);
    }
    assert_eq!(all.len() as u64, top["mentions"].as_u64().unwrap());
    // The single-process mentions and the archive's are the same places.
    let local = json_lines(&ok(
        bin()
            .args(["mentions", name, "--format", "json"])
            .arg(examples())
            .output()
            .unwrap(),
        "mentions",
    ));
    let key = |v: &Value| {
        (
            v["file"].to_string(),
            v["start_byte"].as_u64(),
            v["range"].to_string(),
        )
    };
    let mut a: Vec<_> = all.iter().map(key).collect();
    let mut b: Vec<_> = local.iter().map(key).collect();
    a.sort();
    b.sort();
    assert_eq!(a, b);
    // Facts by quantity key and context words.
    let facts = query(&[
        "facts", "--dim", "money", "--unit", "USD", "tariff", "tariffs", "export", "exports",
        "kovaria",
    ]);
    for f in &facts {
        assert!(f["shared_words"].as_i64().unwrap() >= 1, "{f}");
    }

    // A folder of two articles whose config names the archive: its own mentions, then the
    // archive's in files it does not hold, marked.
    let dir = small_folder(&pg.url);
    let out = bin()
        .args(["mentions", name, "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    let got = json_lines(&ok(out, "mentions with [archive]"));
    let (archived, own): (Vec<&Value>, Vec<&Value>) =
        got.iter().partition(|v| v["archive"] == true);
    assert!(!own.is_empty() && !archived.is_empty(), "{got:?}");
    for v in &archived {
        let f = v["file"].as_str().unwrap();
        assert!(
            !dir.path().join(f).exists(),
            "the folder's own file {f} came from the archive"
        );
    }
    assert_eq!(
        got.len() as u64,
        top["mentions"].as_u64().unwrap(),
        "every mention, once"
    );
}

fn mentions_with_archive(url: &str) -> (std::process::Output, Duration) {
    let dir = small_folder(url);
    let t = Instant::now();
    let o = bin()
        .env("CORPUS_LS_ARCHIVE_TIMEOUT_MS", "700")
        .args(["mentions", "Kovaria", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    (o, t.elapsed())
}

fn assert_local_with_one_warning(o: &std::process::Output, took: Duration) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert_eq!(err.matches("archive not used").count(), 1, "{err}");
    let got = json_lines(&String::from_utf8_lossy(&o.stdout));
    assert!(!got.is_empty() && got.iter().all(|v| v.get("archive").is_none()));
    assert!(took < Duration::from_secs(10), "took {took:?}");
}

#[test]
fn an_archive_on_a_closed_port_leaves_the_local_answers_and_one_warning() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (o, took) = mentions_with_archive(&format!("postgresql://x@127.0.0.1:{port}/x"));
    assert_local_with_one_warning(&o, took);
}

#[test]
fn an_archive_that_accepts_and_never_answers_costs_its_deadline_not_a_hang() {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let _silent = std::thread::spawn(move || {
        let held: Vec<_> = l.incoming().take(4).collect();
        std::thread::sleep(Duration::from_secs(30));
        drop(held);
    });
    let (o, took) = mentions_with_archive(&format!("postgresql://x@127.0.0.1:{port}/x"));
    assert_local_with_one_warning(&o, took);
    // The deadline (0.7 s) plus a local load of two files, far from the 30 s the server holds.
    assert!(took < Duration::from_secs(5), "took {took:?}");
}
