//! Lexicons: the editable word lists that drive scoring (format → compile → match).
//!
//! A lexicon folder holds one file (or a folder of files) per [`Kind`]: `sentiment`,
//! `stance`, `frames`, `targets`, and the rule lists `negators`, `boosters`,
//! `contrast`. [`format`] reads the native `term<TAB>category<TAB>weight` files and
//! imports VADER and LIWC files; every entry goes through the same tokenizer and
//! normalization as article text. [`compile`] validates everything (each problem as
//! `file:line: what: how to fix`, all reported at once, before any article is read)
//! and builds a single Aho-Corasick automaton over all terms of all kinds, so matching
//! an article is one scan of its normalized token buffer.

pub mod compile;
pub mod format;

use std::fmt;
use std::path::PathBuf;

pub use compile::{Entry, Hit, Lexicons, Matches};

/// What a lexicon file is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Sentiment,
    Stance,
    Frames,
    Targets,
    Negators,
    Boosters,
    Contrast,
    ReportingVerbs,
    Titles,
    Roles,
}

impl Kind {
    pub const ALL: [Kind; 10] = [
        Kind::Sentiment,
        Kind::Stance,
        Kind::Frames,
        Kind::Targets,
        Kind::Negators,
        Kind::Boosters,
        Kind::Contrast,
        Kind::ReportingVerbs,
        Kind::Titles,
        Kind::Roles,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Sentiment => "sentiment",
            Kind::Stance => "stance",
            Kind::Frames => "frames",
            Kind::Targets => "targets",
            Kind::Negators => "negators",
            Kind::Boosters => "boosters",
            Kind::Contrast => "contrast",
            Kind::ReportingVerbs => "reporting_verbs",
            Kind::Titles => "titles",
            Kind::Roles => "roles",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }

    /// The kind a file name (or folder name) stands for: the name itself or the name
    /// followed by `_`, `-` or `.` (`stance_custom.tsv`).
    pub fn from_name(stem: &str) -> Option<Kind> {
        let lower = stem.to_ascii_lowercase();
        Kind::ALL.into_iter().find(|k| {
            let n = k.name();
            lower == n
                || (lower.starts_with(n) && matches!(lower.as_bytes()[n.len()], b'_' | b'-' | b'.'))
        })
    }

    /// Weight used when a file gives none (`term<TAB>category`).
    pub fn default_weight(self) -> Option<f64> {
        match self {
            Kind::Sentiment | Kind::Stance => None,
            Kind::Frames | Kind::Targets => Some(1.0),
            Kind::Negators => Some(crate::score::vader::N_SCALAR),
            Kind::Boosters => Some(crate::score::vader::B_INCR),
            Kind::Contrast => Some(1.5),
            Kind::ReportingVerbs | Kind::Titles | Kind::Roles => Some(1.0),
        }
    }

    pub fn names() -> String {
        Kind::ALL.map(Kind::name).join(", ")
    }
}

/// One problem found in a lexicon file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: PathBuf,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.path.display(), self.line, self.message)
    }
}

/// Every problem that stops a run, one per line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problems(pub Vec<Problem>);

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Problems {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_from_file_names() {
        assert_eq!(Kind::from_name("stance"), Some(Kind::Stance));
        assert_eq!(Kind::from_name("Stance_custom"), Some(Kind::Stance));
        assert_eq!(Kind::from_name("frames-extra"), Some(Kind::Frames));
        assert_eq!(Kind::from_name("stanceful"), None);
        assert_eq!(Kind::from_name("stnace"), None);
        assert_eq!(
            Kind::from_name("reporting_verbs"),
            Some(Kind::ReportingVerbs)
        );
    }
}
