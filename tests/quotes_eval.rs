//! Accuracy of who-said-what on hand-annotated articles: the five seeds
//! (tests/fixtures/quotes/seeds_gold.tsv). Prints precision, recall and role accuracy
//! of statements by named people, and holds them to the project's targets.

mod common;

use std::path::Path;

use common::*;
use slant::lexicon::Lexicons;
use slant::text::fold_diacritics;

struct Gold {
    article: String,
    speaker: String,
    role: String,
    snippet: String,
}

fn gold() -> Vec<Gold> {
    read(&repo().join("tests/fixtures/quotes/seeds_gold.tsv"))
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            Gold {
                article: c[0].into(),
                speaker: c[1].into(),
                role: c[2].into(),
                snippet: c[3].into(),
            }
        })
        .collect()
}

fn same_person(a: &str, b: &str) -> bool {
    let key = |s: &str| {
        let mut v: Vec<String> = s
            .split_whitespace()
            .map(|w| fold_diacritics(&w.to_lowercase()))
            .collect();
        v.sort();
        v
    };
    key(a) == key(b)
}

#[test]
fn seeds_who_said_what_meets_the_targets() {
    let lex = Lexicons::load_dir(&repo().join("lexicons")).unwrap();
    let gold = gold();
    let mut predicted = 0;
    let mut correct_pred = 0;
    let mut found = 0;
    let mut role_ok = 0;
    let mut report = Vec::new();
    for entry in std::fs::read_dir(seeds()).unwrap() {
        let path = entry.unwrap().path();
        let id = path.file_name().unwrap().to_string_lossy()[..3].to_string();
        let (a, st) = slant::commands::quotes::statements(&path, &lex).unwrap();
        let g: Vec<&Gold> = gold.iter().filter(|g| g.article == id).collect();
        for s in st.iter().filter(|s| s.named) {
            predicted += 1;
            let text = s.text(&a.text);
            let ok = g
                .iter()
                .any(|g| text.contains(&g.snippet) && same_person(&g.speaker, &s.speaker));
            if ok {
                correct_pred += 1;
            } else {
                report.push(format!(
                    "extra/wrong {id}: {} ({}): {}",
                    s.speaker,
                    s.role.as_str(),
                    &text[..text.len().min(60)]
                ));
            }
        }
        for g in g {
            let hit = st.iter().find(|s| {
                s.named
                    && s.text(&a.text).contains(&g.snippet)
                    && same_person(&g.speaker, &s.speaker)
            });
            match hit {
                Some(s) => {
                    found += 1;
                    if s.role.as_str() == g.role {
                        role_ok += 1;
                    } else {
                        report.push(format!(
                            "role {id}: {} is {} not {}",
                            g.speaker,
                            s.role.as_str(),
                            g.role
                        ));
                    }
                }
                None => report.push(format!("missed {id}: {} \"{}\"", g.speaker, g.snippet)),
            }
        }
    }
    let precision = correct_pred as f64 / predicted.max(1) as f64;
    let recall = found as f64 / gold.len() as f64;
    let roles = role_ok as f64 / found.max(1) as f64;
    println!(
        "seeds: {} gold statements by named people; precision {precision:.3} ({correct_pred}/{predicted}), recall {recall:.3} ({found}/{}), role accuracy {roles:.3} ({role_ok}/{found})",
        gold.len(),
        gold.len()
    );
    for r in &report {
        println!("  {r}");
    }
    assert!(recall >= 0.95, "recall {recall:.3}: {report:#?}");
    assert!(precision >= 0.90, "precision {precision:.3}: {report:#?}");
    assert!(roles >= 0.95, "role accuracy {roles:.3}: {report:#?}");
}

/// Runs `slant run` on `data` and scores its quotes.csv against a gold TSV
/// (article_id, speaker, role, a piece of the text): statements by named people
/// (roles expert, official, other). Returns the run's folder, precision, recall and
/// role accuracy, after printing them under `label`.
fn evaluate(data: &Path, gold_file: &str, label: &str) -> (tempfile::TempDir, f64, f64, f64) {
    let d = tempfile::tempdir().unwrap();
    slant()
        .args(["run", "--quiet", "--no-cache", "--data"])
        .arg(data)
        .arg("--out")
        .arg(d.path().join("r"))
        .assert()
        .code(0);
    let (h, rows) = csv_rows(&d.path().join("r/quotes.csv"));
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    let (ai, si, ri, ti) = (col("article_id"), col("speaker"), col("role"), col("text"));
    let gold: Vec<Vec<String>> = read(&repo().join(gold_file))
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect();
    let people: Vec<&Vec<String>> = rows
        .iter()
        .filter(|r| matches!(r[ri].as_str(), "expert" | "official" | "other"))
        .collect();
    let matches = |g: &Vec<String>, r: &Vec<String>| {
        r[ai] == g[0] && same_person(&r[si], &g[1]) && r[ti].contains(&g[3])
    };
    let found = gold
        .iter()
        .filter(|g| people.iter().any(|r| matches(g, r)))
        .count();
    let correct = people
        .iter()
        .filter(|r| gold.iter().any(|g| matches(g, r)))
        .count();
    let roles = gold
        .iter()
        .filter(|g| people.iter().any(|r| matches(g, r) && r[ri] == g[2]))
        .count();
    let (p, rc, ra) = (
        correct as f64 / people.len() as f64,
        found as f64 / gold.len() as f64,
        roles as f64 / found.max(1) as f64,
    );
    println!(
        "{label}: {} gold; precision {p:.3} ({correct}/{}), recall {rc:.3} ({found}/{}), role accuracy {ra:.3} ({roles}/{found})",
        gold.len(),
        people.len(),
        gold.len()
    );
    for g in &gold {
        if !people.iter().any(|r| matches(g, r)) {
            println!("  missed {}: {} \"{}\"", g[0], g[1], g[3]);
        }
    }
    (d, p, rc, ra)
}

/// The sample corpus end to end: `slant run` on data/, then quotes.csv against the
/// annotation (every statement by a named person, checked line by line against the
/// articles, which were written to cover the attribution patterns).
#[test]
fn sample_corpus_quotes_csv_matches_the_annotation() {
    let (d, p, rc, ra) = evaluate(
        &repo().join("data"),
        "tests/fixtures/quotes/data_gold.tsv",
        "data/",
    );
    assert!(
        rc >= 0.95 && p >= 0.90 && ra >= 0.95,
        "precision {p:.3}, recall {rc:.3}, roles {ra:.3}"
    );
    let (h, rows) = csv_rows(&d.path().join("r/quotes.csv"));
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    let (si, ri) = (col("speaker"), col("role"));
    // Unnamed sources are groups, never people.
    for r in &rows {
        if r[si].to_lowercase().contains("official")
            && !r[si].chars().next().unwrap().is_uppercase()
        {
            assert_eq!(r[ri], "group", "{r:?}");
        }
    }
    let (sh, speakers) = csv_rows(&d.path().join("r/speakers.csv"));
    assert_eq!(
        sh[..6],
        [
            "speaker",
            "role",
            "affiliation",
            "articles",
            "outlets",
            "quotes"
        ]
    );
    assert!(
        speakers
            .iter()
            .any(|s| s[0] == "Mei Lin" && s[1] == "expert" && s[5] == "3")
    );
}

/// News styles other than the sample's: wire copy, state media, British single quotes,
/// a think-tank transcript, Korean and Japanese wires, a Hong Kong daily.
#[test]
fn house_styles_who_said_what() {
    let (_d, p, rc, ra) = evaluate(
        &repo().join("tests/fixtures/quotes/styles"),
        "tests/fixtures/quotes/styles_gold.tsv",
        "styles",
    );
    assert!(
        rc >= 0.95 && p >= 0.90 && ra >= 0.95,
        "precision {p:.3}, recall {rc:.3}, roles {ra:.3}"
    );
}
