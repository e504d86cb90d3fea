//! `slant sentiment`: VADER sentiment of sentences read from stdin, one per line.
//!
//! Writes CSV `compound,pos,neu,neg` (4, 3, 3 and 3 decimals, as vaderSentiment rounds
//! them). With a VADER-format lexicon (`--lexicon vader_lexicon.txt`) it reproduces the
//! Python package, emoji descriptions included when `emoji_utf8_lexicon.txt` sits
//! beside it; `--fixed` lets multi-word entries match. With a native lexicon (the
//! default: the `sentiment` kind of `--lexicons`) each line is scored exactly as a
//! sentence of an article, with slant's tokenizer and rule lexicons.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use crate::cli::{EXIT_FATAL, EXIT_OK};
use crate::error::Error;
use crate::lexicon::format::{Format, read_file};
use crate::lexicon::{Kind, Lexicons};
use crate::score::vader::{Analyzer, Mode, Scores};
use crate::score::{annotate, span_sentiment};
use crate::text::{TokenStream, tokenize};

pub struct Args {
    pub lexicon: Option<PathBuf>,
    pub format: Option<Format>,
    pub fixed: bool,
    pub lexicons: PathBuf,
}

/// Scores each input line.
pub enum Scorer {
    Vader(Box<Analyzer>),
    Native(Box<Lexicons>),
}

impl Scorer {
    pub fn from_args(args: &Args) -> Result<Scorer, Error> {
        let mode = if args.fixed { Mode::Fixed } else { Mode::Exact };
        match &args.lexicon {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
                let format = args.format.unwrap_or_else(|| Format::detect(path, &text));
                if format == Format::Vader {
                    Ok(Scorer::Vader(Box::new(vader_analyzer(path, mode)?)))
                } else {
                    let mut lex = Lexicons::load_file(path, Kind::Sentiment, Some(format))?;
                    // The rule lists still come from the lexicon folder when it has them.
                    if let Ok(rules) = Lexicons::load_dir(&args.lexicons) {
                        lex = merge_rules(lex, &rules);
                    }
                    Ok(Scorer::Native(Box::new(lex)))
                }
            }
            None => Ok(Scorer::Native(Box::new(Lexicons::load_dir(
                &args.lexicons,
            )?))),
        }
    }

    pub fn score(&self, line: &str) -> Scores {
        match self {
            Scorer::Vader(a) => a.polarity_scores(line),
            Scorer::Native(lex) => {
                let mut ts = TokenStream::with_capacity(line.len());
                tokenize(line, 0..line.len(), &mut ts);
                let m = lex.match_tokens(&ts);
                let info = annotate(&ts, &m, lex);
                span_sentiment(line, &ts, &info, 0..ts.tokens.len())
            }
        }
    }
}

/// A VADER analyzer from a VADER-format lexicon file (and its emoji file, if beside it).
pub fn vader_analyzer(path: &Path, mode: Mode) -> Result<Analyzer, Error> {
    let mut problems = Vec::new();
    let f = read_file(path, Kind::Sentiment, Some(Format::Vader), &mut problems);
    if !problems.is_empty() {
        return Err(crate::lexicon::Problems(problems).into());
    }
    let mut a = Analyzer::new(f.entries.into_iter().map(|e| (e.term, e.weight)), mode);
    let emoji = path.with_file_name("emoji_utf8_lexicon.txt");
    if emoji.is_file() {
        a.load_emojis(&emoji).map_err(|e| Error::io(&emoji, e))?;
    }
    Ok(a)
}

/// The sentiment entries of `lex` with the rule kinds of `rules`.
fn merge_rules(lex: Lexicons, rules: &Lexicons) -> Lexicons {
    use crate::lexicon::compile::Source;
    use crate::lexicon::format::RawEntry;
    let mut sources = Vec::new();
    for e in lex.entries.iter().chain(
        rules
            .entries
            .iter()
            .filter(|e| matches!(e.kind, Kind::Negators | Kind::Boosters | Kind::Contrast)),
    ) {
        let (lexicon, kind) = if e.kind == Kind::Sentiment {
            (&lex, e.kind)
        } else {
            (rules, e.kind)
        };
        sources.push(Source {
            kind,
            path: e.path.clone(),
            format: Format::Native,
            entries: vec![RawEntry {
                term: e.term.trim_end_matches('*').to_string(),
                wildcard: e.wildcard,
                category: lexicon.category_of(e).to_string(),
                weight: e.weight,
                line: e.line,
            }],
        });
    }
    Lexicons::compile(sources, &mut Vec::new())
}

/// Reads lines from `input`, writes one CSV row per line to `out`.
pub fn stream(scorer: &Scorer, input: impl BufRead, out: &mut impl Write) -> std::io::Result<u64> {
    writeln!(out, "compound,pos,neu,neg")?;
    let mut n = 0;
    for line in input.split(b'\n') {
        let line = line?;
        let line = line.strip_suffix(b"\r").unwrap_or(&line);
        let s = scorer.score(&String::from_utf8_lossy(line));
        writeln!(
            out,
            "{},{},{},{}",
            fixed(s.compound, 4),
            fixed(s.pos, 3),
            fixed(s.neu, 3),
            fixed(s.neg, 3)
        )?;
        n += 1;
    }
    out.flush()?;
    Ok(n)
}

fn fixed(v: f64, d: usize) -> String {
    let s = format!("{v:.d$}");
    if s.starts_with('-') && s[1..].bytes().all(|b| b == b'0' || b == b'.') {
        s[1..].to_string()
    } else {
        s
    }
}

pub fn run(args: Args) -> i32 {
    let scorer = match Scorer::from_args(&args) {
        Ok(s) => s,
        Err(e) => return crate::cli::report_error(&e),
    };
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match stream(&scorer, stdin.lock(), &mut out) {
        Ok(_) => EXIT_OK,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_OK,
        Err(e) => {
            eprintln!("slant: error: {e}");
            EXIT_FATAL
        }
    }
}
