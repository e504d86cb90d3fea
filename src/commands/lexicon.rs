//! `slant lexicon check [DIR]`: validate lexicons without reading any article.
//!
//! Prints every problem as `file:line: what is wrong: how to fix` and exits 1 if there
//! is any; otherwise prints a summary per kind and the warnings (shadowed and repeated
//! entries) and exits 0.

use std::io::Write;
use std::path::Path;

use crate::cli::{EXIT_FATAL, EXIT_OK};
use crate::lexicon::{Kind, Lexicons};

pub fn check(dir: &Path, out: &mut impl Write) -> i32 {
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
            EXIT_OK
        }
    }
}
