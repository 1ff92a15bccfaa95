//! Figure checks on notes nobody tuned for (issue 17), one class of error a test: measure words
//! in other words, the same figure reported twice, and lowercase punctuation-stripped dumps
//! (lost `,` `.` `%` and currency signs). Small corpora of our own run through the binary.

use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// Runs `check` over the files given and returns the note's warnings as (flagged text, message).
fn warnings(files: &[(&str, &str)]) -> Vec<(String, String)> {
    let dir = tempfile::tempdir().unwrap();
    for (rel, text) in files {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let out = Command::new(env!("CARGO_BIN_EXE_corpus-ls"))
        .args(["check", "--format", "json", "--fail-on", "never"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let note = files.iter().find(|(r, _)| r.starts_with("notes/")).unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|f| f["file"] == note.0 && f["severity"] == "warning")
        .map(|f| {
            let (s, e) = (
                f["start_byte"].as_u64().unwrap() as usize,
                f["end_byte"].as_u64().unwrap() as usize,
            );
            (
                note.1[s..e].to_string(),
                f["message"].as_str().unwrap().into(),
            )
        })
        .collect()
}

/// The flagged texts.
fn flagged(files: &[(&str, &str)]) -> Vec<String> {
    warnings(files).into_iter().map(|w| w.0).collect()
}

const GROUP: &str = "Brightwater Foods posts record year\n\n\
Brightwater Foods, a 70,000-employee group based in Leeds, said on Monday that its bakeries \
had their best year yet.\n";

#[test]
fn people_staff_and_jobs_are_one_measure() {
    let wrong = flagged(&[
        ("group.txt", GROUP),
        (
            "notes/n.md",
            "# Notes\n\nBrightwater Foods employs about 90,000 people.\n",
        ),
    ]);
    assert_eq!(wrong, vec!["about 90,000 people"]);
    let right = flagged(&[
        ("group.txt", GROUP),
        (
            "notes/n.md",
            "# Notes\n\nBrightwater Foods has some 70,000 staff.\n",
        ),
    ]);
    assert!(right.is_empty(), "{right:?}");
}

#[test]
fn a_figure_two_stories_agree_on_is_no_rival_to_itself() {
    let a = "Harlow Telecom trial opens\n\n\
The former chief of Harlow Telecom denies any part in the $11bn accounting fraud that sank it.\n";
    let b = "Harlow witness speaks\n\n\
A witness said auditors had approved the books at Harlow Telecom before the $11bn fraud came \
to light.\n";
    let ws = warnings(&[
        ("a.txt", a),
        ("b.txt", b),
        (
            "notes/n.md",
            "# Notes\n\nThe fraud at Harlow Telecom came to $13bn.\n",
        ),
    ]);
    assert_eq!(ws.len(), 1, "{ws:?}");
    assert_eq!(ws[0].0, "$13bn");
    assert!(ws[0].1.contains("$11bn"), "{}", ws[0].1);
}

/// A dump in the style of the lowercase seed: one line, no punctuation, no signs.
const DUMP: &str = "weak pound hits northgate media revenues at london publisher northgate \
media slipped 11 during 2004 the group said sales went from 4 12bn 7 55bn in 2003 to 3 67bn \
in 2004 while the firm sold nearly 95 000 subscriptions and cut its debt to 160m\n";

#[test]
fn a_dump_s_stripped_percent_and_decimals_are_read() {
    let note = "# Notes\n\n\
- Revenue at Northgate Media fell 13% over 2004.\n\
- Revenue at Northgate Media dropped 11 per cent in 2004.\n\
- Northgate Media sold almost 95,000 subscriptions.\n";
    let ws = warnings(&[("northgate.txt", DUMP), ("notes/n.md", note)]);
    let texts: Vec<&str> = ws.iter().map(|w| w.0.as_str()).collect();
    assert_eq!(texts, vec!["13%"], "{ws:?}");
    assert!(
        ws[0].1.contains("(inferred)"),
        "says the unit is inferred: {}",
        ws[0].1
    );
}

#[test]
fn a_dump_s_bare_amounts_take_the_document_s_currency() {
    let note = "# Notes\n\n\
- Northgate Media sales went from £4.12bn in 2003 to £3.78bn in 2004.\n\
- In 2003 Northgate Media had sales of about $7.6bn.\n\
- Northgate Media cut its debt to £160m.\n";
    let texts = flagged(&[("northgate.txt", DUMP), ("notes/n.md", note)]);
    assert_eq!(texts, vec!["£3.78bn"]);
}

#[test]
fn the_bbc_dev_set_meets_its_bar() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    if !here
        .join("../shared/corpora/bbc-news/business/053.txt")
        .is_file()
    {
        eprintln!("skipped: the BBC corpus (../shared/corpora/bbc-news) is not here");
        return;
    }
    let out = Command::new("python3")
        .arg(here.join("scripts/score_figs_dev.py"))
        .args([
            "--bin",
            env!("CARGO_BIN_EXE_corpus-ls"),
            "--gate",
            "0.52",
            "0.95",
        ])
        .output();
    let Ok(out) = out else {
        eprintln!("skipped: python3 is not here");
        return;
    };
    println!("{}", String::from_utf8_lossy(&out.stdout));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_count_is_confirmed_by_a_number_whose_noun_the_source_left_unsaid() {
    let article = "Oakridge Motors plans Kenya plant\n\n\
Oakridge Motors expects its sales in Kenya to grow 12% to 48,000 in 2005. By 2009 the \
carmaker hopes to sell 90,000 cars a year there.\n";
    let right = flagged(&[
        ("oak.txt", article),
        (
            "notes/n.md",
            "# Notes\n\nOakridge Motors expects Kenyan sales of 48,000 cars in 2005.\n",
        ),
    ]);
    assert!(right.is_empty(), "{right:?}");
}

/// Class 5: a figure given to the wrong subject is flagged, naming both; the right subject's
/// figure is left alone.
#[test]
fn a_figure_given_to_another_subject_is_flagged() {
    let article = "Talks on Lume stall\n\n\
Korvo Motors owns a 40% stake in Lume Cars, the sports car maker, and has held it since 1990. \
Tessel Holdings, which sells tractors, said on Friday that it was happy with its dealers.\n";
    let ws = warnings(&[
        ("lume.txt", article),
        (
            "notes/n.md",
            "# Notes\n\n- Korvo Motors holds 40% of the shares in Lume Cars.\n\
             - Tessel Holdings owns a 40% stake in Lume Cars.\n",
        ),
    ]);
    let texts: Vec<&str> = ws.iter().map(|w| w.0.as_str()).collect();
    assert_eq!(texts, vec!["40%"], "{ws:?}");
    assert!(
        ws[0].1.contains("Tessel") && ws[0].1.contains("Korvo"),
        "{}",
        ws[0].1
    );
    assert!(ws[0].1.contains("to Tessel Holdings"), "{}", ws[0].1);
}

/// Class 2: one value for another year is a wrong year, flagged on the year.
#[test]
fn a_figure_for_another_year_is_flagged_on_its_year() {
    let article = "Marwick outlook\n\n\
The finance minister said the economy of Marwick would grow by 3.7% in 2005 and 3.1% in 2006.\n";
    let wrong = warnings(&[
        ("marwick.txt", article),
        (
            "notes/n.md",
            "# Notes\n\n- Marwick's economy should expand 3.7% in 2006.\n",
        ),
    ]);
    let texts: Vec<&str> = wrong.iter().map(|w| w.0.as_str()).collect();
    assert_eq!(texts, vec!["2006"], "{wrong:?}");
    assert!(wrong[0].1.contains("2005"), "{}", wrong[0].1);
    let right = flagged(&[
        ("marwick.txt", article),
        (
            "notes/n.md",
            "# Notes\n\n- Marwick's economy should expand 3.7% in 2005.\n",
        ),
    ]);
    assert!(right.is_empty(), "{right:?}");
}

/// Class 3 (and business/451's class): a share price's move and a stake are different
/// quantities, so two articles giving them are no disagreement.
#[test]
fn a_change_and_a_level_never_disagree() {
    let dir = tempfile::tempdir().unwrap();
    let a = "Korvo and Lume\n\n\
Lume shares rose 12% on Monday after Korvo bought a stake in Lume, the sports car maker.\n";
    let b = "Korvo and Lume talks\n\n\
Korvo bought a 14% stake in Lume shares on Monday, the sports car maker said.\n";
    std::fs::write(dir.path().join("a.txt"), a).unwrap();
    std::fs::write(dir.path().join("b.txt"), b).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_corpus-ls"))
        .args(["check", "--format", "json", "--fail-on", "never"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("sources-disagree"), "{stdout}");
    // The same two figures as levels of one kind still disagree.
    let a2 = a.replace(
        "Lume shares rose 12%",
        "Korvo owns 12% of Lume shares, it said,",
    );
    std::fs::write(dir.path().join("a.txt"), a2).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_corpus-ls"))
        .args(["check", "--format", "json", "--fail-on", "never"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("sources-disagree"), "{stdout}");
}

/// Class 3: a rise is no fall. The note's fall of 9% is not confirmed by the same company's
/// rise of 9% (it was before changes had a way): a warning names the rise it contradicts, or
/// the other company's fall it belongs to.
#[test]
fn a_rise_does_not_confirm_a_fall_of_the_same_size() {
    let a = "Dunmore Stores results\n\n\
Revenue at Dunmore Stores slipped 9% during 2004, weighed down by a weak pound, the retailer said.\n";
    let b = "Halvard Foods rewards investors\n\n\
Halvard Foods said its dividend will be raised by 9% after a year of strong sales of its frozen \
meals.\n";
    let ws = warnings(&[
        ("dunmore.txt", a),
        ("halvard.txt", b),
        (
            "notes/n.md",
            "# Notes\n\n- Halvard Foods saw its revenue fall 9% during 2004.\n",
        ),
    ]);
    let texts: Vec<&str> = ws.iter().map(|w| w.0.as_str()).collect();
    assert_eq!(texts, vec!["9%"], "{ws:?}");
    assert!(
        ws[0].1.contains("(a rise)") || ws[0].1.contains("Dunmore"),
        "{}",
        ws[0].1
    );
    // Said of its own company, the fall is right and stays silent.
    let right = flagged(&[
        ("dunmore.txt", a),
        ("halvard.txt", b),
        (
            "notes/n.md",
            "# Notes\n\n- Dunmore Stores saw its revenue fall 9% during 2004.\n",
        ),
    ]);
    assert!(right.is_empty(), "{right:?}");
}

/// A change stated the other way round is a conflict that says which way each goes.
#[test]
fn a_fall_stated_as_a_rise_is_flagged_with_both_ways() {
    let a = "Dunmore Stores results\n\n\
Revenue at Dunmore Stores slipped 9% during 2004, weighed down by a weak pound, the retailer said.\n";
    let ws = warnings(&[
        ("dunmore.txt", a),
        (
            "notes/n.md",
            "# Notes\n\n- Revenue at Dunmore Stores rose 9% during 2004.\n",
        ),
    ]);
    let texts: Vec<&str> = ws.iter().map(|w| w.0.as_str()).collect();
    assert_eq!(texts, vec!["9%"], "{ws:?}");
    assert!(
        ws[0].1.contains("(a rise)") && ws[0].1.contains("(a fall)"),
        "{}",
        ws[0].1
    );
}
