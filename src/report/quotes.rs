//! `quotes.csv` (one row per attributed statement) and `speakers.csv` (one row per
//! speaker across the corpus).
//!
//! Statements are streamed to a staging file as articles finish; [`Speakers`] keeps
//! only per-speaker totals. At the end each person gets one corpus-wide role (the role
//! most of their statements were given from cues; expert before official on a tie) and
//! the staged rows are rewritten with it, so a person never has two roles.

use std::collections::{BTreeMap, BTreeSet};
use std::io::BufReader;
use std::path::Path;

use super::{Column, Row, Table, col, dyn_col, slug};
use crate::analyze::{ArticleResult, StatementResult};
use crate::error::Error;
use crate::lexicon::{Kind, Lexicons};
use crate::quotes::Role;
use crate::score::{AxisTally, Tally};

pub const FILE: &str = "quotes.csv";
pub const SPEAKERS_FILE: &str = "speakers.csv";
const STAGED: &str = ".quotes.partial.csv";

pub fn columns(lex: &Lexicons) -> Vec<Column> {
    let mut c = vec![
        col("article_id", "Article the statement is in"),
        col("outlet", "The article's outlet"),
        col(
            "speaker",
            "Who said it: a person's name without titles, or the group or body named",
        ),
        col(
            "role",
            "expert, official, media, organization, group or other; one role per person across the corpus",
        ),
        col(
            "affiliation",
            "The speaker's title and description as the article gives them",
        ),
        col(
            "kind",
            "direct (in quotation marks), indirect (reported speech) or mixed (reported speech with a partial quote)",
        ),
        col(
            "cue",
            "The reporting verb or form that attributes it (said, told, according to, : for transcripts, (continued) for a quote that continues the previous speaker)",
        ),
        col("text", "The statement as written"),
        col(
            "start",
            "Byte offset of the text in the original article text",
        ),
        col("end", "Byte offset just past the text"),
        col("sentiment", "VADER compound score of the statement, -1..1"),
    ];
    for a in lex.categories(Kind::Stance) {
        c.push(dyn_col(
            format!("stance_{}", slug(a)),
            format!("Stance index of the statement on `{a}`, -1..1; empty without hits"),
        ));
    }
    for f in lex.categories(Kind::Frames) {
        c.push(dyn_col(
            format!("frame_{}", slug(f)),
            format!("Matches of the `{f}` frame in the statement"),
        ));
    }
    c
}

pub fn speaker_columns(lex: &Lexicons) -> Vec<Column> {
    let mut c = vec![
        col("speaker", "Display name (the form most often used)"),
        col(
            "role",
            "expert, official, media, organization, group or other",
        ),
        col("affiliation", "The description most often given"),
        col("articles", "Articles quoting the speaker"),
        col("outlets", "Distinct outlets quoting the speaker"),
        col("quotes", "Statements attributed to the speaker"),
        col("sentiment", "Mean compound sentiment of the statements"),
    ];
    for a in lex.categories(Kind::Stance) {
        c.push(dyn_col(
            format!("stance_{}", slug(a)),
            format!("Stance index on `{a}` over all the speaker's statements"),
        ));
    }
    c.push(col(
        "primary_frame",
        "Frame with most hits over the speaker's statements (at least 3)",
    ));
    c.push(col(
        "outlet_list",
        "The outlets quoting the speaker, separated by `; `",
    ));
    c
}

/// A statement row (role filled in at the end).
fn row(a: &ArticleResult, s: &StatementResult) -> Row {
    let mut r = Row::new();
    r.text(&a.id)
        .text(&a.outlet)
        .text(&s.speaker)
        .text(s.role.as_str())
        .text(&s.affiliation)
        .text(s.kind.as_str())
        .text(&s.cue)
        .text(&s.text)
        .int(s.start as u64)
        .int(s.end as u64)
        .opt_float(s.tally.mean_sentiment(), 4);
    for ax in &s.tally.axes {
        r.opt_float(ax.index(), 4);
    }
    for f in &s.tally.frames {
        r.int(f.0);
    }
    r
}

#[derive(Debug, Default)]
struct Acc {
    names: BTreeMap<String, u64>,
    affiliations: BTreeMap<String, u64>,
    roles: BTreeMap<Role, u64>,
    known_roles: BTreeMap<Role, u64>,
    articles: u64,
    last_article: String,
    outlets: BTreeSet<String>,
    quotes: u64,
    tally: Option<Tally>,
}

/// Per-speaker totals and the staged statement rows.
pub struct Speakers {
    staged: Table,
    by_key: BTreeMap<String, Acc>,
}

impl Speakers {
    pub fn new(dir: &Path, lex: &Lexicons) -> Result<Speakers, Error> {
        Ok(Speakers {
            staged: Table::create(dir, STAGED, &columns(lex))?,
            by_key: BTreeMap::new(),
        })
    }

    pub fn add(&mut self, a: &ArticleResult) -> Result<(), Error> {
        for s in &a.statements {
            self.staged.row(&row(a, s))?;
            let acc = self.by_key.entry(s.key.clone()).or_default();
            *acc.names.entry(s.speaker.clone()).or_default() += 1;
            if !s.affiliation.is_empty() {
                *acc.affiliations.entry(s.affiliation.clone()).or_default() += 1;
            }
            *acc.roles.entry(s.role).or_default() += 1;
            if s.role_known {
                *acc.known_roles.entry(s.role).or_default() += 1;
            }
            if acc.last_article != a.id || acc.articles == 0 {
                acc.articles += 1;
                acc.last_article.clone_from(&a.id);
            }
            acc.outlets.insert(a.outlet.clone());
            acc.quotes += 1;
            match &mut acc.tally {
                None => acc.tally = Some(s.tally.clone()),
                Some(t) => merge(t, &s.tally),
            }
        }
        Ok(())
    }

    fn role_of(acc: &Acc) -> Role {
        let pick = |m: &BTreeMap<Role, u64>| {
            m.iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                .map(|(r, _)| *r)
        };
        pick(&acc.known_roles)
            .or_else(|| pick(&acc.roles))
            .unwrap_or(Role::Other)
    }

    /// Writes `speakers.csv` and the final `quotes.csv`.
    pub fn finish(self, dir: &Path, lex: &Lexicons) -> Result<(), Error> {
        self.staged.finish()?;
        let most = |m: &BTreeMap<String, u64>| {
            m.iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                .map(|(k, _)| k.clone())
                .unwrap_or_default()
        };
        let mut t = Table::create(dir, SPEAKERS_FILE, &speaker_columns(lex))?;
        let mut rows: Vec<(String, Row)> = Vec::new();
        let mut final_role: BTreeMap<(String, String), Role> = BTreeMap::new();
        for acc in self.by_key.values() {
            let role = Self::role_of(acc);
            let name = most(&acc.names);
            for n in acc.names.keys() {
                final_role.insert((n.clone(), String::new()), role);
            }
            let tally = acc.tally.clone().unwrap_or_else(|| Tally::new(lex));
            let mut r = Row::new();
            r.text(&name)
                .text(role.as_str())
                .text(&most(&acc.affiliations))
                .int(acc.articles)
                .int(acc.outlets.len() as u64)
                .int(acc.quotes)
                .opt_float(tally.mean_sentiment(), 4);
            for ax in &tally.axes {
                r.opt_float(ax.index(), 4);
            }
            let frames = lex.categories(Kind::Frames);
            r.opt_text(tally.primary_frame().map(|i| frames[i].as_str()));
            r.text(&acc.outlets.iter().cloned().collect::<Vec<_>>().join("; "));
            rows.push((name.to_lowercase(), r));
        }
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        for (_, r) in &rows {
            t.row(r)?;
        }
        t.finish()?;
        // Rewrite the staged statements with each speaker's corpus role.
        let staged = dir.join(STAGED);
        let mut out = Table::create(dir, FILE, &columns(lex))?;
        let f = std::fs::File::open(&staged).map_err(|e| Error::io(&staged, e))?;
        let mut rdr = csv::ReaderBuilder::new().from_reader(BufReader::new(f));
        for rec in rdr.records() {
            let rec = rec.map_err(|e| Error::Csv {
                path: staged.clone(),
                message: e.to_string(),
            })?;
            let mut r = Row::new();
            for (i, cell) in rec.iter().enumerate() {
                if i == 3 {
                    let speaker = super::unguard(rec.get(2).unwrap_or(""));
                    let role = final_role
                        .get(&(speaker.to_string(), String::new()))
                        .map_or(cell, |r| r.as_str());
                    r.raw(role);
                } else {
                    r.raw(cell);
                }
            }
            out.row(&r)?;
        }
        out.finish()?;
        std::fs::remove_file(&staged).map_err(|e| Error::io(&staged, e))?;
        Ok(())
    }
}

fn merge(a: &mut Tally, b: &Tally) {
    a.sentences += b.sentences;
    a.sentiment_sum += b.sentiment_sum;
    a.positive_sentences += b.positive_sentences;
    a.negative_sentences += b.negative_sentences;
    a.sentiment_hits += b.sentiment_hits;
    for (x, y) in a.axes.iter_mut().zip(&b.axes) {
        AxisTally::merge(x, y);
    }
    for (x, y) in a.frames.iter_mut().zip(&b.frames) {
        x.0 += y.0;
        x.1 += y.1;
    }
}
