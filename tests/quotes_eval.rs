//! Accuracy of who-said-what on hand-annotated articles: the five seeds
//! (tests/fixtures/quotes/seeds_gold.tsv). Prints precision, recall and role accuracy
//! of statements by named people, and holds them to the project's targets.

mod common;

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
    assert!(roles >= 0.90, "role accuracy {roles:.3}: {report:#?}");
}
