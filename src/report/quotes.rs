//! `quotes.csv` (one row per attributed statement) and `speakers.csv` (one row per
//! speaker across the corpus).
//!
//! Statements are streamed to a staging file as articles finish; [`Speakers`] keeps
//! only per-speaker totals. At the end each person gets one corpus-wide role (the role
//! most of their statements were given from cues; expert before official on a tie) and
//! the staged rows are copied into `quotes.csv` with it, so a person never has two
//! roles. Rows are staged already encoded, split where the role goes and tagged with
//! the speaker's number, so the final pass only copies bytes.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap;

use super::{Column, Row, Table, col, dyn_col, slug};
use crate::analyze::{ArticleResult, StatementResult};
use crate::error::Error;
use crate::lexicon::{Kind, Lexicons};
use crate::quotes::Role;
use crate::score::{AxisTally, Tally};

pub const FILE: &str = "quotes.csv";
pub const SPEAKERS_FILE: &str = "speakers.csv";
const STAGED: &str = ".quotes.partial";

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

/// A `quotes.csv` record encoded on a worker thread, missing only the role cell.
#[derive(Debug, Clone)]
pub struct QuoteRow {
    /// The record with the role cell left out; it goes at `split` (after `speaker`).
    bytes: Vec<u8>,
    split: usize,
}

/// The encoded rows of an article's statements (built on the worker threads).
pub fn rows(a: &ArticleResult) -> Vec<QuoteRow> {
    a.statements.iter().map(|s| row(a, s)).collect()
}

fn row(a: &ArticleResult, s: &StatementResult) -> QuoteRow {
    let mut head = Row::new();
    head.text(&a.id).text(&a.outlet).text(&s.speaker);
    let mut tail = Row::new();
    tail.text(&s.affiliation)
        .text(s.kind.as_str())
        .text(&s.cue)
        .text(&s.text)
        .int(s.start as u64)
        .int(s.end as u64)
        .opt_float(s.tally.mean_sentiment(), 4);
    for ax in &s.tally.axes {
        tail.opt_float(ax.index(), 4);
    }
    for f in &s.tally.frames {
        tail.int(f.0);
    }
    let mut bytes = Vec::with_capacity(s.text.len() + 128);
    head.encode_fields(&mut bytes);
    let split = bytes.len();
    bytes.push(b',');
    tail.encode_fields(&mut bytes);
    bytes.extend_from_slice(b"\r\n");
    QuoteRow { bytes, split }
}

#[derive(Debug, Default)]
struct Acc {
    key: String,
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
    staged_path: PathBuf,
    staged: BufWriter<File>,
    ids: FxHashMap<String, u32>,
    accs: Vec<Acc>,
}

/// Adds one to `m[k]`, cloning the key only the first time it is seen.
fn bump<K: Ord + Clone + std::borrow::Borrow<Q>, Q: Ord + ?Sized + ToOwned<Owned = K>>(
    m: &mut BTreeMap<K, u64>,
    k: &Q,
) {
    match m.get_mut(k) {
        Some(n) => *n += 1,
        None => {
            m.insert(k.to_owned(), 1);
        }
    }
}

impl Speakers {
    pub fn new(dir: &Path) -> Result<Speakers, Error> {
        let staged_path = dir.join(STAGED);
        let f = File::create(&staged_path).map_err(|e| Error::Output {
            path: staged_path.clone(),
            source: e,
        })?;
        Ok(Speakers {
            staged_path,
            staged: BufWriter::with_capacity(1 << 16, f),
            ids: FxHashMap::default(),
            accs: Vec::new(),
        })
    }

    /// Adds an article's statements; `rows` are [`rows`] of the article.
    pub fn add(&mut self, a: &ArticleResult, rows: &[QuoteRow]) -> Result<(), Error> {
        for (s, r) in a.statements.iter().zip(rows) {
            let id = match self.ids.get(&s.key) {
                Some(&id) => id,
                None => {
                    let id = self.accs.len() as u32;
                    self.ids.insert(s.key.clone(), id);
                    self.accs.push(Acc {
                        key: s.key.clone(),
                        ..Acc::default()
                    });
                    id
                }
            };
            self.stage(id, r)?;
            let acc = &mut self.accs[id as usize];
            bump(&mut acc.names, s.speaker.as_str());
            if !s.affiliation.is_empty() {
                bump(&mut acc.affiliations, s.affiliation.as_str());
            }
            *acc.roles.entry(s.role).or_default() += 1;
            if s.role_known {
                *acc.known_roles.entry(s.role).or_default() += 1;
            }
            if acc.last_article != a.id || acc.articles == 0 {
                acc.articles += 1;
                acc.last_article.clone_from(&a.id);
            }
            if !acc.outlets.contains(&a.outlet) {
                acc.outlets.insert(a.outlet.clone());
            }
            acc.quotes += 1;
            match &mut acc.tally {
                None => acc.tally = Some(s.tally.clone()),
                Some(t) => merge(t, &s.tally),
            }
        }
        Ok(())
    }

    /// Staged record: speaker number, split and length (u32 LE each), then the bytes.
    fn stage(&mut self, id: u32, r: &QuoteRow) -> Result<(), Error> {
        let mut head = [0u8; 12];
        head[..4].copy_from_slice(&id.to_le_bytes());
        head[4..8].copy_from_slice(&(r.split as u32).to_le_bytes());
        head[8..].copy_from_slice(&(r.bytes.len() as u32).to_le_bytes());
        self.staged
            .write_all(&head)
            .and_then(|()| self.staged.write_all(&r.bytes))
            .map_err(|e| Error::Output {
                path: self.staged_path.clone(),
                source: e,
            })
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
        let Speakers {
            staged_path,
            staged,
            accs,
            ..
        } = self;
        staged.into_inner().map_err(|e| Error::Output {
            path: staged_path.clone(),
            source: e.into_error(),
        })?;
        let most = |m: &BTreeMap<String, u64>| {
            m.iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                .map(|(k, _)| k.clone())
                .unwrap_or_default()
        };
        let roles: Vec<Role> = accs.iter().map(Self::role_of).collect();
        let mut t = Table::create(dir, SPEAKERS_FILE, &speaker_columns(lex))?;
        let mut rows: Vec<(String, &str, Row)> = Vec::new();
        for (acc, role) in accs.iter().zip(&roles) {
            let name = most(&acc.names);
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
            rows.push((name.to_lowercase(), &acc.key, r));
        }
        rows.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
        for (_, _, r) in &rows {
            t.row(r)?;
        }
        t.finish()?;
        let mut out = Table::create(dir, FILE, &columns(lex))?;
        let f = File::open(&staged_path).map_err(|e| Error::io(&staged_path, e))?;
        let mut rdr = BufReader::with_capacity(1 << 16, f);
        let mut head = [0u8; 12];
        let mut buf = Vec::new();
        loop {
            match rdr.read_exact(&mut head) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
                Err(e) => return Err(Error::io(&staged_path, e)),
            }
            let word = |i: usize| u32::from_le_bytes(head[i..i + 4].try_into().unwrap()) as usize;
            let (id, split, len) = (word(0), word(4), word(8));
            buf.resize(len, 0);
            rdr.read_exact(&mut buf)
                .map_err(|e| Error::io(&staged_path, e))?;
            let role = roles[id].as_str().as_bytes();
            out.record_parts(&[&buf[..split], b",", role, &buf[split..]])?;
        }
        out.finish()?;
        std::fs::remove_file(&staged_path).map_err(|e| Error::io(&staged_path, e))?;
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
