//! `slant quotes FILE`: the statements of one article, for checking by eye.

use std::io::Write;
use std::path::Path;

use crate::analyze::Doc;
use crate::cli::{EXIT_FATAL, EXIT_OK};
use crate::corpus::{Article, Format, Meta, OutletSource, load::check_text};
use crate::error::Error;
use crate::lexicon::Lexicons;
use crate::quotes::{Statement, extract};

/// Reads a single article file (the first line of a .txt/.md is its title).
pub fn read_article(path: &Path) -> Result<Article, Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let text = check_text(bytes).map_err(|r| Error::Usage(format!("{}: {r}", path.display())))?;
    let format = path
        .extension()
        .and_then(|e| e.to_str())
        .and_then(Format::from_extension)
        .unwrap_or(Format::Text);
    let format = if matches!(format, Format::Jsonl | Format::Csv) {
        Format::Text
    } else {
        format
    };
    Ok(Article {
        id: path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
        path: path.display().to_string(),
        line: None,
        format,
        text,
        meta: Meta::default(),
        outlet_source: OutletSource::Unknown,
    })
}

/// The statements of one article file.
pub fn statements(path: &Path, lex: &Lexicons) -> Result<(Article, Vec<Statement>), Error> {
    let a = read_article(path)?;
    let st = {
        let d = Doc::prepare(&a).map_err(|r| Error::Usage(format!("{}: {r}", path.display())))?;
        let m = lex.match_tokens(&d.tokens);
        extract(
            &a.text,
            &d.tokens,
            &d.paragraphs,
            &d.cleaned.paragraphs,
            &d.sentences,
            &m,
            lex,
        )
    };
    Ok((a, st))
}

pub fn run(file: &Path, lexicons: &Path, out: &mut impl Write) -> i32 {
    let lex = match Lexicons::load_dir(lexicons) {
        Ok(l) => l,
        Err(e) => return crate::cli::report_error(&e.into()),
    };
    match statements(file, &lex) {
        Ok((a, st)) => {
            let _ = writeln!(out, "{}: {} statements", a.path, st.len());
            for s in &st {
                let aff = if s.affiliation.is_empty() {
                    String::new()
                } else {
                    format!("; {}", s.affiliation)
                };
                let _ = writeln!(
                    out,
                    "\n[{} {}..{}] {} ({}{aff}) via \"{}\"\n    {}",
                    s.kind.as_str(),
                    s.start,
                    s.end,
                    s.speaker,
                    s.role.as_str(),
                    s.cue,
                    s.text(&a.text).replace('\n', " ")
                );
            }
            EXIT_OK
        }
        Err(e) => {
            eprintln!("slant: error: {e}");
            EXIT_FATAL
        }
    }
}
