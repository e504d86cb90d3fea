//! The lexicon-tuning loop: `slant explain`, `slant diff` and unmatched-entry warnings
//! in `slant lexicon check`.

mod common;

use common::{copy_dir, csv_rows, repo, seeds, slant};

fn stdout_of(args: &[&str]) -> String {
    let a = slant().args(args).assert().code(0);
    String::from_utf8_lossy(&a.get_output().stdout).into_owned()
}

#[test]
fn explain_shows_the_negation_rule_flipping_a_term_in_a_seed() {
    // The seed with "not a threat to each other".
    let seed = seeds().join("000_198aea706692622c.txt");
    let out = stdout_of(&["explain", seed.to_str().unwrap()]);
    let line = out
        .lines()
        .find(|l| l.contains("[threat]") && l.contains("sentiment"))
        .unwrap_or_else(|| panic!("no threat match:\n{out}"));
    assert!(line.contains("negated by \"not\""), "{line}");
    assert!(line.contains("-2.4 -> +1.776"), "{line}");
    assert!(out.contains("\nStatements ("), "{out}");
    assert!(out.contains("\nScores\n  sentiment"), "{out}");
}

#[test]
fn explain_finds_an_article_by_id_and_writes_csv() {
    let d = tempfile::tempdir().unwrap();
    let csv = d.path().join("m.csv");
    slant()
        .args([
            "explain",
            "harbor_daily/hd-2025-01-13-talks-resume",
            "--csv",
        ])
        .arg(&csv)
        .assert()
        .code(0);
    let (h, rows) = csv_rows(&csv);
    assert_eq!(h[..4], ["sentence", "start", "end", "lexicon"]);
    assert!(rows.len() > 20);
    // Offsets point into the original file text.
    let text =
        std::fs::read_to_string(repo().join("data/harbor_daily/hd-2025-01-13-talks-resume.txt"))
            .unwrap();
    for r in &rows {
        let (s, e): (usize, usize) = (r[1].parse().unwrap(), r[2].parse().unwrap());
        let matched = text[s..e].split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(matched, r[6]);
    }
    slant()
        .args(["explain", "no-such-article"])
        .assert()
        .code(2);
}

#[test]
fn diff_after_removing_a_stance_term_names_it_and_the_outlets_it_moved() {
    let d = tempfile::tempdir().unwrap();
    let lex = d.path().join("lexicons");
    copy_dir(&repo().join("lexicons"), &lex);
    let run = |out: &str| {
        slant()
            .args(["run", "--quiet", "--no-cache", "--lexicons"])
            .arg(&lex)
            .arg("--out")
            .arg(d.path().join(out))
            .assert()
            .code(0);
    };
    run("before");
    // The stance term with the most hits in the sample.
    let (h, terms) = csv_rows(&d.path().join("before/terms.csv"));
    let col = |n: &str| h.iter().position(|c| c == n).unwrap();
    let top = terms
        .iter()
        .filter(|r| r[col("lexicon")] == "stance")
        .max_by_key(|r| r[col("hits")].parse::<u64>().unwrap())
        .unwrap();
    let term = top[col("term")].clone();
    let axis = top[col("category")].clone();
    let stance = lex.join("stance.tsv");
    let text = std::fs::read_to_string(&stance).unwrap();
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| l.split('\t').next() != Some(term.as_str()))
        .collect();
    assert_eq!(kept.len() + 1, text.lines().count(), "{term} is one line");
    std::fs::write(&stance, kept.join("\n") + "\n").unwrap();
    run("after");
    let csv = d.path().join("diff.csv");
    let out = stdout_of(&[
        "diff",
        d.path().join("before").to_str().unwrap(),
        d.path().join("after").to_str().unwrap(),
        "--csv",
        csv.to_str().unwrap(),
    ]);
    assert!(
        out.contains(&format!("stance/{axis}/{term} (removed)")),
        "{out}"
    );
    let (_, changes) = csv_rows(&csv);
    let moved: Vec<&Vec<String>> = changes
        .iter()
        .filter(|r| r[0] == "outlet" && r[2] == format!("stance_{axis}_hits"))
        .collect();
    assert!(!moved.is_empty(), "no outlet's {axis} hits moved");
    for m in &moved {
        assert!(out.contains(&m[1]), "{} not in the summary:\n{out}", m[1]);
        assert!(m[5].parse::<f64>().unwrap() < 0.0);
    }
}

#[test]
fn lexicon_check_lists_entries_the_last_run_never_matched() {
    let d = tempfile::tempdir().unwrap();
    slant()
        .args(["run", "--quiet", "--no-cache", "--out"])
        .arg(d.path().join("r"))
        .assert()
        .code(0);
    let reports = d.path().join("r");
    let short = stdout_of(&[
        "lexicon",
        "check",
        "lexicons",
        "--reports",
        reports.to_str().unwrap(),
    ]);
    assert!(short.contains("more (--all lists them"), "{short}");
    let out = stdout_of(&[
        "lexicon",
        "check",
        "lexicons",
        "--all",
        "--reports",
        reports.to_str().unwrap(),
    ]);
    assert!(
        out.contains("entries matched no article in the run"),
        "{out}"
    );
    // Each listed entry has zero hits in terms.csv, and points at its file and line.
    let (h, terms) = csv_rows(&d.path().join("r/terms.csv"));
    let zero = terms
        .iter()
        .filter(|r| r[h.iter().position(|c| c == "hits").unwrap()] == "0")
        .count();
    let listed = out
        .lines()
        .skip_while(|l| !l.starts_with("warning:"))
        .filter(|l| l.starts_with("  lexicons/"))
        .count();
    assert_eq!(listed, zero, "{out}");
}
