//! `quotes.csv` (one row per attributed statement) and `speakers.csv` (one row per
//! speaker across the corpus).
//!
//! Statements are streamed to a staging file as articles finish ([`QuoteStage`]); the
//! per-speaker totals live in the aggregates (`aggregate::SpeakerAcc`). At the end each
//! person gets one corpus-wide role (the role most of their statements were given from
//! cues; expert before official on a tie) and the staged rows are copied into
//! `quotes.csv` with it, so a person never has two roles. Rows are staged already
//! encoded, split where the role goes and tagged with the speaker's key, so the final
//! pass only copies bytes.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap;

use crate::aggregate::Aggregates;

use super::{Column, Row, Table, col, dyn_col, slug};
use crate::analyze::{ArticleResult, StatementResult};
use crate::error::Error;
use crate::lexicon::{Kind, Lexicons};
use crate::quotes::Role;

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
    for f in lex.categories(Kind::Frames) {
        c.push(dyn_col(
            format!("frame_{}_share", slug(f)),
            format!("Share of the frame hits in the speaker's statements that are `{f}`; empty without frame hits"),
        ));
    }
    c.push(col(
        "cluster",
        "The speaker's cluster in clusters.csv (speakers with enough statements); empty otherwise",
    ));
    c
}

/// A `quotes.csv` record encoded on a worker thread, missing only the role cell.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct QuoteRow {
    /// The record with the role cell left out; it goes at `split` (after `speaker`).
    #[serde(with = "serde_bytes")]
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

/// The staged statement rows, written as articles finish; the role cells are filled
/// in by [`QuoteStage::finish`] from the corpus-wide roles.
pub struct QuoteStage {
    staged_path: PathBuf,
    staged: BufWriter<File>,
}

impl QuoteStage {
    pub fn new(dir: &Path) -> Result<QuoteStage, Error> {
        let staged_path = dir.join(STAGED);
        let f = File::create(&staged_path).map_err(|e| Error::Output {
            path: staged_path.clone(),
            source: e,
        })?;
        Ok(QuoteStage {
            staged_path,
            staged: BufWriter::with_capacity(1 << 16, f),
        })
    }

    /// The staged records of an article's statement rows ([`rows`] of the article),
    /// for [`QuoteStage::append`] (and, with the cache on, the file's cache entry).
    pub fn records(a: &ArticleResult, rows: &[QuoteRow]) -> Vec<u8> {
        let mut buf = Vec::new();
        for (s, r) in a.statements.iter().zip(rows) {
            Self::record(&mut buf, &s.key, r);
        }
        buf
    }

    /// Appends one staged record to `out`: key length, split and row length (u32 LE
    /// each), the speaker key, then the row bytes.
    fn record(out: &mut Vec<u8>, key: &str, r: &QuoteRow) {
        out.extend_from_slice(&(key.len() as u32).to_le_bytes());
        out.extend_from_slice(&(r.split as u32).to_le_bytes());
        out.extend_from_slice(&(r.bytes.len() as u32).to_le_bytes());
        out.extend_from_slice(key.as_bytes());
        out.extend_from_slice(&r.bytes);
    }

    /// Stages records made by [`QuoteStage::records`] (now or in a cached run).
    pub fn append(&mut self, records: &[u8]) -> Result<(), Error> {
        self.staged.write_all(records).map_err(|e| Error::Output {
            path: self.staged_path.clone(),
            source: e,
        })
    }

    /// Writes the final `quotes.csv`, each row with its speaker's corpus role.
    pub fn finish(self, dir: &Path, lex: &Lexicons, agg: &Aggregates) -> Result<(), Error> {
        let QuoteStage {
            staged_path,
            staged,
        } = self;
        staged.into_inner().map_err(|e| Error::Output {
            path: staged_path.clone(),
            source: e.into_error(),
        })?;
        let roles: FxHashMap<&str, Role> = agg
            .speakers
            .iter()
            .map(|(k, s)| (k.as_str(), s.role()))
            .collect();
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
            let (key_len, split, len) = (word(0), word(4), word(8));
            buf.resize(key_len + len, 0);
            rdr.read_exact(&mut buf)
                .map_err(|e| Error::io(&staged_path, e))?;
            let (key, row) = buf.split_at(key_len);
            let role = std::str::from_utf8(key)
                .ok()
                .and_then(|k| roles.get(k))
                .copied()
                .unwrap_or(Role::Other);
            out.record_parts(&[&row[..split], b",", role.as_str().as_bytes(), &row[split..]])?;
        }
        out.finish()?;
        std::fs::remove_file(&staged_path).map_err(|e| Error::io(&staged_path, e))?;
        Ok(())
    }
}

/// Writes `speakers.csv` from the aggregates; `clusters` maps speaker keys to their
/// cluster.
pub fn write_speakers(
    dir: &Path,
    lex: &Lexicons,
    agg: &Aggregates,
    clusters: &BTreeMap<String, usize>,
) -> Result<(), Error> {
    let mut t = Table::create(dir, SPEAKERS_FILE, &speaker_columns(lex))?;
    let frames = lex.categories(Kind::Frames);
    let mut rows: Vec<(String, &str, Row)> = Vec::new();
    for (key, acc) in &agg.speakers {
        let name = acc.name();
        let sc = &acc.scores;
        let mut r = Row::new();
        r.text(&name)
            .text(acc.role().as_str())
            .text(&acc.affiliation())
            .int(acc.articles)
            .int(acc.outlets.len() as u64)
            .int(acc.quotes)
            .opt_float(sc.mean_sentiment(), 4);
        for ax in &sc.axes {
            r.opt_float(ax.index(), 4);
        }
        r.opt_text(sc.primary_frame().map(|i| frames[i].as_str()));
        r.text(&acc.outlets.iter().cloned().collect::<Vec<_>>().join("; "));
        for i in 0..frames.len() {
            r.opt_float(sc.frame_share(i), 3);
        }
        r.opt_int(clusters.get(key).map(|&c| c as u64));
        rows.push((name.to_lowercase(), key, r));
    }
    rows.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    for (_, _, r) in &rows {
        t.row(r)?;
    }
    t.finish()?;
    Ok(())
}
