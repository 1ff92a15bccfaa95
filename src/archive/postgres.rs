//! The shared archive index in PostgreSQL: loading a snapshot, and the read-only queries
//! editors and `corpus-ls` ask it (plain data in, plain data out: no LSP types here).
//!
//! Every call runs on a worker thread and is given up after its deadline: an archive that is
//! down, refuses, or accepts and never answers costs the caller at most that long, never a
//! hang (the abandoned thread ends when the process does or the socket gives up).

use super::snapshot::{self, SEP};
use super::table::{Table, Values};
use anyhow::{anyhow, bail, Context, Result};
use postgres::{Client, NoTls};
use std::io::Write;
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

/// The schema a load creates (tables only).
pub const SCHEMA_SQL: &str = include_str!("../../scale/postgres/schema.sql");
/// The indexes a load makes after the COPY.
pub const INDEXES_SQL: &str = include_str!("../../scale/postgres/indexes.sql");

/// How long a query of an editor or `corpus-ls` may take, connection included, unless
/// `CORPUS_LS_ARCHIVE_TIMEOUT_MS` says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(2000);

/// Where the archive is and how long to wait for it.
#[derive(Debug, Clone)]
pub struct Remote {
    /// A PostgreSQL URL (`postgresql://user@host:port/db`) or key-value string.
    pub url: String,
    /// The deadline of one call, connection included.
    pub timeout: Duration,
}

impl Remote {
    /// The archive at `url`, with the default deadline (or the environment's).
    pub fn new(url: &str) -> Remote {
        let timeout = std::env::var("CORPUS_LS_ARCHIVE_TIMEOUT_MS")
            .ok()
            .and_then(|v| v.trim().parse().ok())
            .map_or(DEFAULT_TIMEOUT, Duration::from_millis);
        Remote {
            url: url.to_string(),
            timeout,
        }
    }

    /// A new connection: the deadline bounds the TCP connect, and the server cancels any
    /// statement that runs longer (a slow query frees its backend, not only its caller).
    pub fn connect(&self) -> Result<Client> {
        let mut cfg: postgres::Config = self
            .url
            .parse()
            .context("not a PostgreSQL connection string")?;
        cfg.connect_timeout(self.timeout);
        cfg.options(&format!(
            "-c statement_timeout={}",
            self.timeout.as_millis().max(1)
        ));
        cfg.connect(NoTls).context("cannot connect")
    }

    /// Connects and runs `f` on a worker thread; an error when either fails or the deadline
    /// passes first (`None`: no deadline and no statement timeout, for loads).
    pub fn session<T: Send + 'static>(
        &self,
        deadline: Option<Duration>,
        f: impl FnOnce(&mut Client) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let remote = match deadline {
            Some(d) => Remote {
                url: self.url.clone(),
                timeout: d,
            },
            None => self.clone(),
        };
        let (tx, rx) = mpsc::channel();
        std::thread::Builder::new()
            .name("corpus-ls archive".into())
            .spawn(move || {
                let run = || -> Result<T> {
                    let mut client = if deadline.is_some() {
                        remote.connect()?
                    } else {
                        let mut cfg: postgres::Config = remote
                            .url
                            .parse()
                            .context("not a PostgreSQL connection string")?;
                        cfg.connect_timeout(remote.timeout);
                        cfg.connect(NoTls).context("cannot connect")?
                    };
                    f(&mut client)
                };
                let _ = tx.send(run());
            })?;
        match deadline {
            Some(d) => rx
                .recv_timeout(d)
                .map_err(|_| anyhow!("no answer within {} ms", d.as_millis()))?,
            None => rx
                .recv()
                .map_err(|_| anyhow!("the archive worker stopped"))?,
        }
    }
}

/// An entity of the archive.
#[derive(Debug, Clone, PartialEq)]
pub struct ArchiveEntity {
    /// Its id in the loaded snapshot.
    pub id: i64,
    /// Canonical name.
    pub name: String,
    /// `PER`, `ORG`, `LOC` or `MISC`.
    pub ty: String,
    /// Surface forms.
    pub aliases: Vec<String>,
    /// Mentions in the archive.
    pub mentions: i64,
    /// Files of the archive mentioning it.
    pub files: i64,
    /// Its description, if any.
    pub description: Option<String>,
}

/// A mention in an archive file (LSP-style position: 0-based line, UTF-16 character).
#[derive(Debug, Clone, PartialEq)]
pub struct ArchiveMention {
    /// Path from the archive root.
    pub rel: String,
    /// Bytes in that file.
    pub start: i64,
    /// End byte.
    pub end: i64,
    /// Start line and character, end line and character.
    pub range: [i64; 4],
    /// The mention as written.
    pub text: String,
}

/// A figure fact of an archive article.
#[derive(Debug, Clone, PartialEq)]
pub struct ArchiveFact {
    /// Path from the archive root.
    pub rel: String,
    /// Bytes in that file.
    pub start: i64,
    /// End byte.
    pub end: i64,
    /// 1-based line.
    pub line: i64,
    /// As written.
    pub written: String,
    /// Lowest and highest value it allows (`None`: unbounded).
    pub low: Option<f64>,
    /// Highest value.
    pub high: Option<f64>,
    /// How many of the asked context words it shares.
    pub shared: i64,
}

/// The entities a name may stand for (by its plain key, as the registry keys aliases).
pub fn entity_by_alias(c: &mut Client, name: &str) -> Result<Vec<ArchiveEntity>> {
    let key = crate::corpus::aliases::plain_key(name);
    let rows = c.query(
        "SELECT DISTINCT e.id, e.name, e.type, e.aliases, e.mentions, e.files, e.description \
         FROM corpus_ls.aliases a JOIN corpus_ls.entities e ON e.id = a.entity \
         WHERE a.key = $1 ORDER BY e.mentions DESC, e.id",
        &[&key],
    )?;
    Ok(rows
        .iter()
        .map(|r| ArchiveEntity {
            id: r.get(0),
            name: r.get(1),
            ty: r.get(2),
            aliases: r.get(3),
            mentions: r.get(4),
            files: r.get(5),
            description: r.get(6),
        })
        .collect())
}

/// One page of the mentions of an entity, in (file, offset) order; pages count from 0.
pub fn mentions_of(
    c: &mut Client,
    entity: i64,
    page: i64,
    page_size: i64,
) -> Result<Vec<ArchiveMention>> {
    let rows = c.query(
        "SELECT rel, start_byte, end_byte, line, character, end_line, end_character, text \
         FROM corpus_ls.mentions WHERE entity = $1 ORDER BY rel, start_byte LIMIT $2 OFFSET $3",
        &[&entity, &page_size, &(page * page_size)],
    )?;
    Ok(rows
        .iter()
        .map(|r| ArchiveMention {
            rel: r.get(0),
            start: r.get(1),
            end: r.get(2),
            range: [r.get(3), r.get(4), r.get(5), r.get(6)],
            text: r.get(7),
        })
        .collect())
}

/// The facts of a quantity key sharing any of `words` (context word keys), most shared first.
pub fn facts_for(
    c: &mut Client,
    dim: &str,
    unit: &str,
    words: &[String],
    limit: i64,
) -> Result<Vec<ArchiveFact>> {
    let rows = c.query(
        "SELECT rel, start_byte, end_byte, line, written, low, high, \
                cardinality(ARRAY(SELECT unnest(context) INTERSECT SELECT unnest($3::text[]))) AS shared \
         FROM corpus_ls.facts WHERE dim = $1 AND unit = $2 AND context && $3::text[] \
         ORDER BY shared DESC, rel, start_byte LIMIT $4",
        &[&dim, &unit, &words, &limit],
    )?;
    Ok(rows
        .iter()
        .map(|r| ArchiveFact {
            rel: r.get(0),
            start: r.get(1),
            end: r.get(2),
            line: r.get(3),
            written: r.get(4),
            low: r.get(5),
            high: r.get(6),
            shared: i64::from(r.get::<_, i32>(7)),
        })
        .collect())
}

/// The archive's root folder as the loaded snapshot's manifest names it.
pub fn archive_root(c: &mut Client) -> Result<Option<String>> {
    let rows = c.query(
        "SELECT manifest::json->>'root' FROM corpus_ls.snapshot LIMIT 1",
        &[],
    )?;
    Ok(rows.first().and_then(|r| r.get(0)))
}

/// The texts of the archive files `rels` (those it holds), by path.
pub fn texts(c: &mut Client, rels: &[String]) -> Result<Vec<(String, String)>> {
    let rows = c.query(
        "SELECT rel, text FROM corpus_ls.documents WHERE rel = ANY($1) AND kind = 'article' ORDER BY rel",
        &[&rels],
    )?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

/// One field in COPY's text format.
fn copy_field(out: &mut Vec<u8>, s: &str) {
    for b in s.bytes() {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => out.push(b),
        }
    }
}

/// A text array literal (`{"a","b"}`), each element quoted.
fn array_literal(items: &[&str]) -> String {
    let mut s = String::from("{");
    for (i, it) in items.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push('"');
        for ch in it.chars() {
            if ch == '"' || ch == '\\' {
                s.push('\\');
            }
            s.push(ch);
        }
        s.push('"');
    }
    s.push('}');
    s
}

/// The columns of a snapshot table as loaded: (Parquet column, SQL column, how).
enum Conv {
    Plain,
    /// A `SEP`-joined list into a text array.
    List(char),
}

fn columns(table: &str) -> Vec<(&'static str, &'static str, Conv)> {
    use Conv::*;
    match table {
        "documents" => vec![
            ("rel", "rel", Plain),
            ("kind", "kind", Plain),
            ("bytes", "bytes", Plain),
            ("text", "text", Plain),
        ],
        "entities" => vec![
            ("id", "id", Plain),
            ("name", "name", Plain),
            ("type", "type", Plain),
            ("aliases", "aliases", List(SEP)),
            ("mentions", "mentions", Plain),
            ("files", "files", Plain),
            ("description", "description", Plain),
        ],
        "aliases" => vec![
            ("key", "key", Plain),
            ("alias", "alias", Plain),
            ("entity", "entity", Plain),
        ],
        "mentions" => vec![
            ("entity", "entity", Plain),
            ("rel", "rel", Plain),
            ("start", "start_byte", Plain),
            ("end", "end_byte", Plain),
            ("line", "line", Plain),
            ("character", "character", Plain),
            ("end_line", "end_line", Plain),
            ("end_character", "end_character", Plain),
            ("text", "text", Plain),
        ],
        "facts" => vec![
            ("rel", "rel", Plain),
            ("start", "start_byte", Plain),
            ("end", "end_byte", Plain),
            ("written", "written", Plain),
            ("dim", "dim", Plain),
            ("unit", "unit", Plain),
            ("low", "low", Plain),
            ("high", "high", Plain),
            ("line", "line", Plain),
            ("context", "context", List(' ')),
        ],
        _ => Vec::new(),
    }
}

/// The table's rows in COPY's text format.
fn copy_text(t: &Table, cols: &[(&str, &str, Conv)]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let vals: Vec<&Values> = cols
        .iter()
        .map(|(c, _, _)| t.column(c))
        .collect::<Result<_>>()?;
    for row in 0..t.len() {
        for (i, (v, (_, _, conv))) in vals.iter().zip(cols).enumerate() {
            if i > 0 {
                out.push(b'\t');
            }
            match v {
                Values::Int(x) => match x[row] {
                    Some(n) => write!(out, "{n}")?,
                    None => out.extend_from_slice(b"\\N"),
                },
                Values::Double(x) => match x[row] {
                    Some(n) => write!(out, "{n:?}")?,
                    None => out.extend_from_slice(b"\\N"),
                },
                Values::Str(x) => match (&x[row], conv) {
                    (None, _) => out.extend_from_slice(b"\\N"),
                    (Some(s), Conv::Plain) => copy_field(&mut out, s),
                    (Some(s), Conv::List(sep)) => {
                        let items: Vec<&str> = s.split(*sep).filter(|x| !x.is_empty()).collect();
                        copy_field(&mut out, &array_literal(&items));
                    }
                },
                _ => bail!("column of an unexpected type"),
            }
        }
        out.push(b'\n');
    }
    Ok(out)
}

/// Loads a snapshot folder: the schema replaced, each table copied in, then the indexes, all in
/// one transaction. Returns the rows loaded per table.
pub fn load(remote: &Remote, snapshot_dir: &Path) -> Result<Vec<(String, usize)>> {
    let manifest =
        std::fs::read_to_string(snapshot_dir.join("manifest.json")).with_context(|| {
            format!(
                "{}: not a snapshot (no manifest.json)",
                snapshot_dir.display()
            )
        })?;
    let version = serde_json::from_str::<serde_json::Value>(&manifest)?["version"]
        .as_str()
        .ok_or_else(|| anyhow!("manifest without a version"))?
        .to_string();
    let mut tables = Vec::new();
    for name in snapshot::TABLES {
        let t = Table::read(
            &snapshot_dir.join(format!("{name}.parquet")),
            &snapshot::schema(name),
        )?;
        tables.push((name.to_string(), t));
    }
    remote.session(None, move |c| {
        let mut tx = c.transaction()?;
        tx.batch_execute("DROP SCHEMA IF EXISTS corpus_ls CASCADE")?;
        tx.batch_execute(SCHEMA_SQL)?;
        tx.execute(
            "INSERT INTO corpus_ls.snapshot (version, manifest) VALUES ($1, $2)",
            &[&version, &manifest],
        )?;
        let mut counts = Vec::new();
        for (name, t) in &tables {
            let cols = columns(name);
            let sql_cols: Vec<&str> = cols.iter().map(|c| c.1).collect();
            let data = copy_text(t, &cols)?;
            let mut w = tx.copy_in(&format!(
                "COPY corpus_ls.{name} ({}) FROM STDIN",
                sql_cols.join(", ")
            ))?;
            w.write_all(&data)?;
            w.finish()?;
            counts.push((name.clone(), t.len()));
        }
        tx.batch_execute(INDEXES_SQL)?;
        tx.commit()?;
        Ok(counts)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_text_escapes_what_copy_reads_as_control() {
        let mut out = Vec::new();
        copy_field(&mut out, "a\tb\\c\nd");
        assert_eq!(out, b"a\\tb\\\\c\\nd");
        assert_eq!(array_literal(&["x \"y\"", "z\\"]), r#"{"x \"y\"","z\\"}"#);
    }

    #[test]
    fn a_closed_port_is_an_error_within_the_deadline() {
        // Bind and drop: nobody listens on that port now.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let r = Remote {
            url: format!("postgresql://x@127.0.0.1:{port}/x"),
            timeout: Duration::from_millis(500),
        };
        let t = std::time::Instant::now();
        let e = r
            .session(Some(r.timeout), |c| entity_by_alias(c, "x"))
            .unwrap_err();
        assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
        assert!(format!("{e:#}").contains("connect"), "{e:#}");
    }

    #[test]
    fn a_server_that_never_answers_costs_the_deadline_and_no_more() {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        // Accepts, then reads nothing and says nothing.
        let _held = std::thread::spawn(move || {
            let s = l.accept();
            std::thread::sleep(Duration::from_secs(5));
            drop(s);
        });
        let r = Remote {
            url: format!("postgresql://x@127.0.0.1:{port}/x"),
            timeout: Duration::from_millis(300),
        };
        let t = std::time::Instant::now();
        let e = r
            .session(Some(r.timeout), |c| entity_by_alias(c, "x"))
            .unwrap_err();
        assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
        assert!(format!("{e:#}").contains("no answer"), "{e:#}");
    }
}
