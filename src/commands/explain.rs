//! `slant explain ARTICLE_ID_OR_FILE`: why an article scored as it did.
//!
//! The tuning loop's magnifying glass: every lexicon match in context (keyword in
//! context, with its lexicon, category, weight and what the negation, booster or
//! contrast rules made of it), the article's statements and speakers, and its scores.
//! Runs the same `analyze` as `slant run`, on one article found by file path or by id
//! in `--data`.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::analyze::{ArticleResult, Doc, analyze};
use crate::corpus::{Article, Item, Limits, Manifest, Source, discover};
use crate::error::Error;
use crate::lexicon::{Kind, Lexicons};
use crate::report::{Column, Row, Table, col};
use crate::score::{annotate, explain_sentiment, negator_before};

pub struct Args {
    pub article: String,
    pub data: Vec<PathBuf>,
    pub lexicons: PathBuf,
    pub csv: Option<PathBuf>,
}

/// One lexicon match, explained.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    pub sentence: usize,
    pub start: usize,
    pub end: usize,
    pub lexicon: &'static str,
    pub category: String,
    pub term: String,
    pub matched: String,
    pub weight: f64,
    /// The value it contributes after the rules (sentiment and stance), if different
    /// from its weight.
    pub effective: Option<f64>,
    pub rules: Vec<String>,
    pub left: String,
    pub right: String,
}

const CONTEXT: usize = 40;

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Up to `n` bytes of `text` before `at` (whole characters).
fn left_of(text: &str, at: usize, n: usize) -> String {
    let mut from = at.saturating_sub(n);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    one_line(&text[from..at])
}

fn right_of(text: &str, at: usize, n: usize) -> String {
    let mut to = (at + n).min(text.len());
    while !text.is_char_boundary(to) {
        to -= 1;
    }
    one_line(&text[at..to])
}

/// Finds the article: a file path, or an id among the articles of `data`.
pub fn find(what: &str, data: &[PathBuf]) -> Result<Article, Error> {
    let p = Path::new(what);
    if p.is_file() {
        return super::quotes::read_article(p);
    }
    let found = discover(data)?;
    let mut rejects = Vec::new();
    let manifest = Manifest::load(&found.manifests, &mut rejects);
    for item in Source::new(&found.files, &manifest, Limits::default()) {
        if let Item::Article(a) = item
            && a.id == what
        {
            return Ok(*a);
        }
    }
    Err(Error::Usage(format!(
        "no article with id or path {what} in {}: give a file, or an id from articles.csv with --data",
        data.iter()
            .map(|d| d.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    )))
}

/// Every lexicon match of the article, in text order, explained.
pub fn matches(a: &Article, lex: &Lexicons) -> Result<Vec<Match>, Error> {
    let d = Doc::prepare(a).map_err(|r| Error::Usage(format!("{}: {r}", a.path)))?;
    let m = lex.match_tokens(&d.tokens);
    let info = annotate(&d.tokens, &m, lex);
    let text = &a.text;
    let sentence_of = |tok: usize| d.sentences.partition_point(|s| (s.tok_end as usize) <= tok);
    let mut effects = std::collections::HashMap::new();
    for s in &d.sentences {
        for e in explain_sentiment(text, &d.tokens, &info, s.tokens()) {
            effects.insert(e.token, e);
        }
    }
    let mut out = Vec::new();
    for kind in Kind::ALL {
        for h in m.of(kind) {
            let e = &lex.entries[h.entry as usize];
            let (s, t) = (h.start as usize, h.end as usize);
            let start = d.tokens.tokens[s].start as usize;
            let end = d.tokens.tokens[t - 1].end as usize;
            let si = sentence_of(s);
            let (effective, rules) = match kind {
                Kind::Sentiment => match effects.get(&s) {
                    Some(w) if w.rules.is_empty() && (w.effective - w.base).abs() < 1e-12 => {
                        (None, Vec::new())
                    }
                    Some(w) => (Some(w.effective), w.rules.clone()),
                    None => (None, Vec::new()),
                },
                Kind::Stance => {
                    let floor = d.sentences.get(si).map_or(0, |x| x.tok_start as usize);
                    match negator_before(&d.tokens, &info, floor, s) {
                        Some((n, sc)) => (
                            Some(e.weight * sc),
                            vec![format!(
                                "negated by \"{}\" (x{sc})",
                                d.tokens.norm(&d.tokens.tokens[n])
                            )],
                        ),
                        None => (None, Vec::new()),
                    }
                }
                _ => (None, Vec::new()),
            };
            out.push(Match {
                sentence: si + 1,
                start,
                end,
                lexicon: kind.name(),
                category: lex.category_of(e).to_string(),
                term: e.term.clone(),
                matched: one_line(&text[start..end]),
                weight: e.weight,
                effective,
                rules,
                left: left_of(text, start, CONTEXT),
                right: right_of(text, end, CONTEXT),
            });
        }
    }
    out.sort_by(|a, b| (a.start, a.lexicon).cmp(&(b.start, b.lexicon)));
    Ok(out)
}

pub const COLUMNS: &[Column] = &[
    col("sentence", "Sentence number in the article, from 1"),
    col("start", "Byte offset of the match in the original text"),
    col("end", "Byte offset just past it"),
    col("lexicon", "The lexicon kind"),
    col("category", "Its category"),
    col("term", "The lexicon entry"),
    col("matched", "The text it matched"),
    col("weight", "The entry's weight"),
    col(
        "effective",
        "The value after the rules (sentiment valence or stance weight); empty when unchanged",
    ),
    col("rules", "The rules that changed it, separated by `; `"),
    col("left", "Text before the match"),
    col("right", "Text after the match"),
];

fn write_csv(path: &Path, ms: &[Match]) -> Result<(), Error> {
    let mut t = Table::create_at(path, COLUMNS)?;
    for m in ms {
        let mut r = Row::new();
        r.int(m.sentence as u64)
            .int(m.start as u64)
            .int(m.end as u64)
            .text(m.lexicon)
            .text(&m.category)
            .text(&m.term)
            .text(&m.matched)
            .float(m.weight, 3)
            .opt_float(m.effective, 4)
            .text(&m.rules.join("; "))
            .text(&m.left)
            .text(&m.right);
        t.row(&r)?;
    }
    t.finish()?;
    Ok(())
}

fn print_scores(out: &mut impl Write, r: &ArticleResult, lex: &Lexicons) -> std::io::Result<()> {
    let t = &r.scores.tally;
    writeln!(out, "\nScores")?;
    writeln!(
        out,
        "  sentiment {} over {} sentences ({} positive, {} negative)",
        t.mean_sentiment()
            .map_or("-".into(), |v| format!("{v:+.4}")),
        t.sentences,
        t.positive_sentences,
        t.negative_sentences
    )?;
    for (a, name) in t.axes.iter().zip(lex.categories(Kind::Stance)) {
        writeln!(
            out,
            "  stance {name}: {} ({} hits, +{:.2} / -{:.2})",
            a.index().map_or("-".into(), |v| format!("{v:+.4}")),
            a.hits,
            a.pos,
            a.neg
        )?;
    }
    let frames = lex.categories(Kind::Frames);
    let mut fs: Vec<(usize, &(u32, f64))> =
        t.frames.iter().enumerate().filter(|f| f.1.0 > 0).collect();
    fs.sort_by(|a, b| b.1.1.total_cmp(&a.1.1).then(a.0.cmp(&b.0)));
    let listed: Vec<String> = fs
        .iter()
        .map(|(i, f)| format!("{} {} ({:.1})", frames[*i], f.0, f.1))
        .collect();
    writeln!(
        out,
        "  frames: {}; primary: {}",
        if listed.is_empty() {
            "none".into()
        } else {
            listed.join(", ")
        },
        t.primary_frame().map_or("-", |i| frames[i].as_str())
    )?;
    for (tt, name) in r.scores.targets.iter().zip(lex.categories(Kind::Targets)) {
        if tt.sentences > 0 {
            writeln!(
                out,
                "  target {name}: {} sentences, sentiment {:+.4}",
                tt.sentences,
                tt.sentiment_sum / f64::from(tt.sentences)
            )?;
        }
    }
    Ok(())
}

pub fn run(args: Args, out: &mut impl Write) -> Result<(), Error> {
    let lex = Lexicons::load_dir(&args.lexicons)?;
    let a = find(&args.article, &args.data)?;
    let r = analyze(&a, &lex).map_err(|e| Error::Usage(format!("{}: {e}", a.path)))?;
    let ms = matches(&a, &lex)?;
    if let Some(path) = &args.csv {
        return write_csv(path, &ms);
    }
    let w = |e: std::io::Error| Error::io("stdout", e);
    let line = a.line.map(|l| format!(":{l}")).unwrap_or_default();
    writeln!(
        out,
        "{} ({}{line})\noutlet: {}  date: {}  title: {}",
        r.id,
        r.path,
        r.outlet,
        r.date.as_deref().unwrap_or("-"),
        r.title
    )
    .map_err(w)?;
    writeln!(out, "\nLexicon matches ({})", ms.len()).map_err(w)?;
    for m in &ms {
        let effect = match m.effective {
            Some(v) => format!(" -> {v:+.3}"),
            None => String::new(),
        };
        let rules = if m.rules.is_empty() {
            String::new()
        } else {
            format!("  [{}]", m.rules.join("; "))
        };
        writeln!(
            out,
            "  s{:<3} {:>40} [{}] {:<40}  {} / {} / \"{}\" {:+}{effect}{rules}",
            m.sentence, m.left, m.matched, m.right, m.lexicon, m.category, m.term, m.weight
        )
        .map_err(w)?;
    }
    writeln!(out, "\nStatements ({})", r.statements.len()).map_err(w)?;
    for s in &r.statements {
        let aff = if s.affiliation.is_empty() {
            String::new()
        } else {
            format!("; {}", s.affiliation)
        };
        writeln!(
            out,
            "  [{}] {} ({}{aff}) via \"{}\": {}",
            s.kind.as_str(),
            s.speaker,
            s.role.as_str(),
            s.cue,
            one_line(&s.text)
        )
        .map_err(w)?;
    }
    print_scores(out, &r, &lex).map_err(w)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negated_stance_and_sentiment_are_explained_in_context() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let lex = Lexicons::load_dir(&root.join("lexicons")).unwrap();
        let a = Article {
            id: "x".into(),
            path: "x.txt".into(),
            line: None,
            format: crate::corpus::Format::Text,
            text: "Talks\n\nBeijing said the meeting was not constructive, officials said.\n"
                .into(),
            meta: crate::corpus::Meta::default(),
            outlet_source: crate::corpus::OutletSource::Unknown,
        };
        let ms = matches(&a, &lex).unwrap();
        let c = ms
            .iter()
            .find(|m| m.matched == "constructive" && m.lexicon == "sentiment")
            .expect("constructive is a sentiment term");
        assert!(c.weight > 0.0 && c.effective.unwrap() < 0.0, "{c:?}");
        assert!(c.rules.iter().any(|r| r.contains("\"not\"")), "{c:?}");
        assert!(c.left.ends_with("was not"), "{c:?}");
        assert!(c.right.starts_with(", officials"), "{c:?}");
    }
}
