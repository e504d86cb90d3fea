//! `terms.csv`: every lexicon entry with how often it fired, zero-hit entries included,
//! so users see what drives the scores and what never matches.
//!
//! [`TermCounts`] is a mergeable accumulator: integer counts per entry and the set of
//! (entry, outlet) pairs seen.

use std::collections::HashMap;

use super::{Column, Row, Table, col};
use crate::error::Error;
use crate::lexicon::Lexicons;

pub const FILE: &str = "terms.csv";

pub const COLUMNS: &[Column] = &[
    col(
        "lexicon",
        "Lexicon kind: sentiment, stance, frames, targets, negators, boosters, contrast",
    ),
    col(
        "category",
        "Category: stance axis, frame, target entity, or the file's category for the other kinds",
    ),
    col(
        "term",
        "The entry as written in the lexicon (a trailing * is a prefix wildcard)",
    ),
    col(
        "weight",
        "The entry's weight (valence for sentiment, signed direction for stance)",
    ),
    col(
        "hits",
        "Matches in all articles (the longest match wins; overlaps are not double-counted)",
    ),
    col("articles", "Articles with at least one match"),
    col("outlets", "Distinct outlets with at least one match"),
    col("source", "File and line the entry comes from"),
];

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TermCounts {
    hits: Vec<u64>,
    articles: Vec<u64>,
    outlets: HashMap<String, u32>,
    seen: rustc_hash::FxHashSet<(u32, u32)>,
}

impl TermCounts {
    pub fn new(lex: &Lexicons) -> TermCounts {
        TermCounts {
            hits: vec![0; lex.entries.len()],
            articles: vec![0; lex.entries.len()],
            ..TermCounts::default()
        }
    }

    pub fn add(&mut self, outlet: &str, term_hits: &[(u32, u32)]) {
        let o = match self.outlets.get(outlet) {
            Some(&o) => o,
            None => {
                let next = self.outlets.len() as u32;
                self.outlets.insert(outlet.to_string(), next);
                next
            }
        };
        for &(e, n) in term_hits {
            self.hits[e as usize] += u64::from(n);
            self.articles[e as usize] += 1;
            self.seen.insert((e, o));
        }
    }

    /// Adds another run's (or file's) counts.
    pub fn merge(&mut self, o: &TermCounts) {
        for (a, b) in self.hits.iter_mut().zip(&o.hits) {
            *a += b;
        }
        for (a, b) in self.articles.iter_mut().zip(&o.articles) {
            *a += b;
        }
        let names: Vec<&str> = {
            let mut v = vec![""; o.outlets.len()];
            for (name, &i) in &o.outlets {
                v[i as usize] = name;
            }
            v
        };
        for &(e, oi) in &o.seen {
            let name = names[oi as usize];
            let mine = match self.outlets.get(name) {
                Some(&m) => m,
                None => {
                    let next = self.outlets.len() as u32;
                    self.outlets.insert(name.to_string(), next);
                    next
                }
            };
            self.seen.insert((e, mine));
        }
    }

    pub fn write(&self, dir: &std::path::Path, lex: &Lexicons) -> Result<(), Error> {
        let mut outlets = vec![0u64; lex.entries.len()];
        for (e, _) in &self.seen {
            outlets[*e as usize] += 1;
        }
        let mut t = Table::create(dir, FILE, COLUMNS)?;
        for (i, e) in lex.entries.iter().enumerate() {
            let mut r = Row::new();
            r.text(e.kind.name())
                .text(lex.category_of(e))
                .text(&e.term)
                .float(e.weight, 3)
                .int(self.hits[i])
                .int(self.articles[i])
                .int(outlets[i])
                .text(&format!("{}:{}", e.path.display(), e.line));
            t.row(&r)?;
        }
        t.finish()?;
        Ok(())
    }
}
