//! The Spark job end to end: `scale/spark/corpus_ls_job.py` on a `local-cluster[2,1,1024]`
//! (two executor processes) over the example corpus and a generated corpus of a few thousand
//! articles gives exactly the single-process `entities` and `check` answers, and its snapshot
//! loads into a throwaway PostgreSQL. Skips with the reason when PySpark (`.ci/archive-env`)
//! or Java is absent.

mod archive_support;
use archive_support::*;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Articles of the generated corpus (CI time: the whole CI stays under 20 minutes).
const GENERATED: usize = 2000;

fn spark_env() -> Option<PathBuf> {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/sparkenv");
    if !venv.join("bin/spark-submit").is_file() {
        eprintln!(
            "skipped: no PySpark in {} (run .ci/archive-env)",
            venv.display()
        );
        return None;
    }
    if Command::new("java").arg("-version").output().is_err() {
        eprintln!("skipped: no Java (run .ci/archive-env)");
        return None;
    }
    Some(venv)
}

#[test]
fn the_spark_job_over_two_archives_equals_the_single_process_answers() {
    let Some(venv) = spark_env() else {
        return;
    };
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let mut roots = vec![repo.join("examples/corpus")];
    if let Some(g) = generated(GENERATED, &tmp.path().join("generated")) {
        roots.push(g);
    }
    let path = format!(
        "{}:{}",
        venv.join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut c = Command::new(venv.join("bin/spark-submit"));
    c.env("PATH", path)
        .env("PYSPARK_PYTHON", venv.join("bin/python"))
        // Every socket of the job on loopback.
        .env("SPARK_LOCAL_IP", "127.0.0.1")
        .args(["--master", "local-cluster[2,1,1024]"])
        .args(["--conf", "spark.ui.enabled=false"])
        .args(["--conf", "spark.driver.host=127.0.0.1"])
        .arg(repo.join("scale/spark/corpus_ls_job.py"))
        .arg("--binary")
        .arg(env!("CARGO_BIN_EXE_corpus-ls"))
        .arg("--work")
        .arg(tmp.path().join("work"))
        .arg("--out")
        .arg(tmp.path().join("snapshots"));
    for r in &roots {
        c.arg("--root").arg(r);
    }
    let out = ok(c.output().unwrap(), "spark-submit");
    let reports: Vec<serde_json::Value> = out
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(reports.len(), roots.len(), "{out}");
    let pg = Pg::start();
    for (root, r) in roots.iter().zip(&reports) {
        eprintln!("spark job: {r}");
        let snap = PathBuf::from(r["snapshot"].as_str().unwrap());
        let expected = single_process(root);
        assert_same(&snap, &expected, &root.display().to_string());
        if let Some(pg) = &pg {
            let loaded = load(&pg.url, &snap);
            let entities = loaded
                .lines()
                .find_map(|l| l.strip_prefix("entities\t"))
                .unwrap();
            assert_eq!(entities, expected.0.lines().count().to_string());
        }
    }
}
