//! `slant lexicon check [DIR]`: validate lexicons without reading any article.
//!
//! Prints every problem as `file:line: what is wrong: how to fix` and exits 1 if there
//! is any; otherwise prints a summary per kind and the warnings (shadowed and repeated
//! entries) and exits 0. With the reports of an earlier run (`--reports`, default
//! `reports/`), it also lists the entries no article matched in that run, from its
//! `terms.csv`: candidates for a typo, a wrong form or a term the corpus never uses.

use std::io::Write;
use std::path::Path;

use crate::cli::{EXIT_FATAL, EXIT_OK};
use crate::lexicon::{Kind, Lexicons};

/// Entries with zero hits in `reports/terms.csv`, as `source: lexicon/category/term`.
pub fn unmatched(reports: &Path, lex: &Lexicons) -> Option<Vec<String>> {
    let path = reports.join(crate::report::terms::FILE);
    let mut r = csv::Reader::from_path(&path).ok()?;
    let h = r.headers().ok()?.clone();
    let at = |n: &str| h.iter().position(|c| c == n);
    let (l, c, t, hits, src) = (
        at("lexicon")?,
        at("category")?,
        at("term")?,
        at("hits")?,
        at("source")?,
    );
    // Only entries still in the lexicons: the run may predate an edit.
    let current: std::collections::HashSet<(String, String, String)> = lex
        .entries
        .iter()
        .map(|e| {
            (
                e.kind.name().to_string(),
                lex.category_of(e).to_string(),
                e.term.clone(),
            )
        })
        .collect();
    let mut out = Vec::new();
    for rec in r.records().filter_map(Result::ok) {
        let get = |i: usize| crate::report::unguard(rec.get(i).unwrap_or("")).to_string();
        let key = (get(l), get(c), get(t));
        if get(hits) == "0" && current.contains(&key) {
            out.push(format!("{}: {}/{}/{}", get(src), key.0, key.1, key.2));
        }
    }
    Some(out)
}

/// How many never-matched entries `check` lists unless asked for all.
const UNMATCHED_SHOWN: usize = 40;

pub fn check(dir: &Path, reports: &Path, all: bool, out: &mut impl Write) -> i32 {
    match Lexicons::load_dir(dir) {
        Err(problems) => {
            eprintln!("{problems}");
            eprintln!(
                "slant: {} problem(s) in {}; runs stop until they are fixed",
                problems.0.len(),
                dir.display()
            );
            EXIT_FATAL
        }
        Ok(lex) => {
            let _ = writeln!(
                out,
                "{}: {} files, {} entries",
                dir.display(),
                lex.files.len(),
                lex.entries.len()
            );
            for kind in Kind::ALL {
                let n = lex.entries.iter().filter(|e| e.kind == kind).count();
                if n == 0 {
                    continue;
                }
                let cats = lex.categories(kind);
                let shown = if matches!(kind, Kind::Stance | Kind::Frames | Kind::Targets) {
                    format!(" ({})", cats.join(", "))
                } else {
                    String::new()
                };
                let _ = writeln!(
                    out,
                    "  {:<10} {n:>5} entries, {} categories{shown}",
                    kind.name(),
                    cats.len()
                );
            }
            if lex.warnings.is_empty() {
                let _ = writeln!(out, "no problems, no shadowed entries");
            } else {
                let _ = writeln!(out, "{} note(s):", lex.warnings.len());
                for w in &lex.warnings {
                    let _ = writeln!(out, "  {w}");
                }
            }
            if let Some(zero) = unmatched(reports, &lex) {
                if zero.is_empty() {
                    let _ = writeln!(
                        out,
                        "every entry matched in the run in {}",
                        reports.display()
                    );
                } else {
                    let _ = writeln!(
                        out,
                        "warning: {} entries matched no article in the run in {} (typo, wrong form, or unused by this corpus):",
                        zero.len(),
                        reports.display()
                    );
                    let shown = if all {
                        zero.len()
                    } else {
                        zero.len().min(UNMATCHED_SHOWN)
                    };
                    for z in &zero[..shown] {
                        let _ = writeln!(out, "  {z}");
                    }
                    if shown < zero.len() {
                        let _ = writeln!(
                            out,
                            "  … and {} more (--all lists them; terms.csv has them with hits 0)",
                            zero.len() - shown
                        );
                    }
                }
            }
            EXIT_OK
        }
    }
}
