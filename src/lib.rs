//! slant: media-framing and stance analysis of news corpora.
//!
//! The modules follow the pipeline, in order:
//!
//! 1. [`corpus`]: discover input files, load articles (streaming), clean boilerplate;
//! 2. [`text`]: normalize, tokenize and split sentences, keeping byte offsets;
//! 3. [`analyze`]: the pure per-article function that the pipeline runs in parallel
//!    ([`lexicon`] compiles the lexicons it matches, [`score`] and [`quotes`] are its
//!    scoring and attribution stages);
//! 4. [`aggregate`]: mergeable integer accumulators per outlet, period and speaker;
//! 5. [`cluster`]: KMeans and PCA of articles, speakers and outlets (linfa);
//! 6. [`report`]: spreadsheet-safe CSV tables, `run.json`, atomic output folder;
//!
//! with [`pipeline`] wiring them for `slant run`, [`cache`] letting reruns skip what did
//! not change, [`config`] reading `slant.toml`, [`lock`] keeping two runs off one
//! output folder, [`progress`] for terminal output, and [`cli`] and [`commands`] for the
//! command line. [`error`] holds the typed errors.

pub mod aggregate;
pub mod analyze;
pub mod cache;
pub mod cli;
pub mod cluster;
pub mod commands;
pub mod config;
pub mod corpus;
pub mod error;
pub mod lexicon;
pub mod lock;
pub mod pipeline;
pub mod progress;
pub mod quotes;
pub mod report;
pub mod score;
pub mod text;

/// Helpers shared by unit tests.
#[cfg(test)]
pub(crate) mod testutil {
    use crate::corpus::{Article, Format, Meta, OutletSource};

    /// A plain-text article with no metadata.
    pub fn article(text: &str) -> Article {
        Article {
            id: String::new(),
            path: String::new(),
            line: None,
            format: Format::Text,
            text: text.into(),
            meta: Meta::default(),
            outlet_source: OutletSource::Unknown,
        }
    }

    /// A seeded xorshift generator: `next(n)` is a number below `n`. Random test
    /// inputs stay the same from run to run.
    pub fn rng(mut x: u64) -> impl FnMut(usize) -> usize {
        move |n| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % n as u64) as usize
        }
    }
}
