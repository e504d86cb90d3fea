//! Lexicon validation, VADER parity and scoring, through the library and the CLI.

mod common;

use common::*;
use predicates::prelude::*;
use slant::score::vader::Mode;

fn fixture(name: &str) -> std::path::PathBuf {
    repo().join("tests/fixtures/vader").join(name)
}

/// The committed test set: sentences and the scores vaderSentiment 3.3.2 gave them
/// (made by tests/fixtures/vader/make_expected.py).
fn parity_set() -> Vec<(String, [String; 4])> {
    let sentences = read(&fixture("sentences.txt"));
    let (_, expected) = csv_rows(&fixture("expected.csv"));
    let lines: Vec<&str> = sentences.split('\n').filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), expected.len());
    assert!(lines.len() >= 500, "the parity set has 500+ sentences");
    lines
        .into_iter()
        .zip(expected)
        .map(|(s, e)| {
            (
                s.to_string(),
                [e[0].clone(), e[1].clone(), e[2].clone(), e[3].clone()],
            )
        })
        .collect()
}

#[test]
fn vader_parity_with_the_python_reference() {
    let analyzer =
        slant::commands::sentiment::vader_analyzer(&fixture("vader_lexicon.txt"), Mode::Exact)
            .unwrap();
    let set = parity_set();
    let mut compound_ok = 0;
    let mut all_ok = 0;
    let mut misses = Vec::new();
    for (s, e) in &set {
        let r = analyzer.polarity_scores(s);
        let got = [
            format!("{:.4}", r.compound),
            format!("{:.3}", r.pos),
            format!("{:.3}", r.neu),
            format!("{:.3}", r.neg),
        ];
        let got = got.map(|g| {
            if g.starts_with("-0.0") && g[1..].bytes().all(|b| b == b'0' || b == b'.') {
                g[1..].to_string()
            } else {
                g
            }
        });
        if got[0] == e[0] {
            compound_ok += 1;
        } else {
            misses.push(format!("{s:?}: expected {}, got {}", e[0], got[0]));
        }
        if got == *e {
            all_ok += 1;
        }
    }
    let share = compound_ok as f64 / set.len() as f64;
    println!(
        "VADER parity: compound {compound_ok}/{}, all four scores {all_ok}/{}",
        set.len(),
        set.len()
    );
    assert!(
        share >= 0.995,
        "compound parity {share:.4} below 99.5%:\n{}",
        misses.join("\n")
    );
}

#[test]
fn sentiment_command_reproduces_the_reference_csv() {
    let input = read(&fixture("sentences.txt"));
    let out = slant()
        .args(["sentiment", "--lexicon"])
        .arg(fixture("vader_lexicon.txt"))
        .write_stdin(input)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let got = String::from_utf8(out).unwrap();
    let expected = read(&fixture("expected.csv"));
    let got_lines: Vec<&str> = got.lines().collect();
    let exp_lines: Vec<&str> = expected.lines().collect();
    assert_eq!(got_lines.len(), exp_lines.len());
    let same = got_lines
        .iter()
        .zip(&exp_lines)
        .filter(|(a, b)| a == b)
        .count();
    assert!(
        same as f64 / exp_lines.len() as f64 >= 0.995,
        "{same}/{}",
        exp_lines.len()
    );
}

#[test]
fn fixed_mode_matches_multiword_entries() {
    let run = |fixed: bool| {
        let mut c = slant();
        c.args(["sentiment", "--lexicon"])
            .arg(fixture("vader_lexicon.txt"));
        if fixed {
            c.arg("--fixed");
        }
        let out = c
            .write_stdin("I can't stand this policy.\n")
            .assert()
            .code(0)
            .get_output()
            .stdout
            .clone();
        String::from_utf8(out)
            .unwrap()
            .lines()
            .nth(1)
            .unwrap()
            .to_string()
    };
    assert!(
        run(false).starts_with("0.0000,"),
        "VADER never matches multi-word entries"
    );
    assert!(run(true).starts_with('-'), "--fixed does: {}", run(true));
}

#[test]
fn default_lexicon_scores_diplomatic_news_sensibly() {
    let out = slant()
        .args(["sentiment"])
        .write_stdin("The ruling parties resumed exchanges.\nThe defense ministry announced the visit.\nMutual trust was strengthened.\nThe talks were not constructive.\nHostile rhetoric raised tensions.\n")
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let rows: Vec<f64> = String::from_utf8(out)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().parse().unwrap())
        .collect();
    // Institutional words carry no valence here, unlike in VADER's lexicon.
    assert_eq!(rows[0], 0.0, "ruling parties");
    assert_eq!(rows[1], 0.0, "defense ministry");
    assert!(rows[2] > 0.5);
    assert!(rows[3] < 0.0, "negated");
    assert!(rows[4] < -0.5);
}

fn lexicon_dir_with_typo() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    for f in std::fs::read_dir(repo().join("lexicons")).unwrap() {
        let f = f.unwrap();
        std::fs::copy(f.path(), d.path().join(f.file_name())).unwrap();
    }
    let mut stance = read(&d.path().join("stance.tsv"));
    stance.push_str("appeasement\tengagement\t1,5\n");
    std::fs::write(d.path().join("stance.tsv"), &stance).unwrap();
    d
}

#[test]
fn lexicon_check_names_file_and_line_of_a_typo() {
    let d = lexicon_dir_with_typo();
    let line = read(&d.path().join("stance.tsv")).lines().count();
    slant()
        .args(["lexicon", "check"])
        .arg(d.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "stance.tsv:{line}: weight '1,5' is not a number"
        )));
    slant()
        .args(["lexicon", "check"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("stance").and(predicate::str::contains("entries")));
}

#[test]
fn run_with_a_broken_lexicon_stops_before_reading_and_keeps_reports() {
    let d = lexicon_dir_with_typo();
    let out = tempfile::tempdir().unwrap();
    let reports = out.path().join("r");
    slant()
        .args(["run", "--quiet", "--out"])
        .arg(&reports)
        .assert()
        .code(0);
    let before = report_files(&reports);
    let run_json = std::fs::read(reports.join("run.json")).unwrap();
    slant()
        .args(["run", "--quiet", "--data", "no/such/data", "--lexicons"])
        .arg(d.path())
        .arg("--out")
        .arg(&reports)
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("stance.tsv:")
                .and(predicate::str::contains("no article was read")),
        );
    assert_eq!(before, report_files(&reports));
    assert_eq!(run_json, std::fs::read(reports.join("run.json")).unwrap());
}

#[test]
fn terms_csv_lists_every_entry_including_zero_hits() {
    let d = tempfile::tempdir().unwrap();
    slant()
        .args(["run", "--quiet", "--out"])
        .arg(d.path().join("r"))
        .assert()
        .code(0);
    let (h, rows) = csv_rows(&d.path().join("r/terms.csv"));
    assert_eq!(
        h[..7],
        [
            "lexicon", "category", "term", "weight", "hits", "articles", "outlets"
        ]
    );
    let lex = slant::lexicon::Lexicons::load_dir(&repo().join("lexicons")).unwrap();
    assert_eq!(rows.len(), lex.entries.len());
    assert!(
        rows.iter().any(|r| r[4] == "0"),
        "zero-hit entries are listed"
    );
    assert!(rows.iter().any(|r| r[4] != "0"));
    let mut sorted = rows.clone();
    sorted.sort_by(|a, b| (&a[0], &a[1], &a[2]).cmp(&(&b[0], &b[1], &b[2])));
    let first_out_of_order = rows.iter().zip(&sorted).position(|(a, b)| a[..3] != b[..3]);
    assert_eq!(
        first_out_of_order, None,
        "terms.csv is sorted by lexicon, category, term"
    );
}
