//! Typed errors of the library.
//!
//! Two families live here. [`Error`] is fatal: it stops a run before or after the
//! per-article work (no input, unwritable output, a bad option). [`RejectReason`] is
//! per-input: it sends one article or row to `rejects.csv` while the run goes on.
//! Every variant carries the path (and line where there is one) and says what to do.

use std::fmt;
use std::path::PathBuf;

/// A fatal error: the run cannot start or cannot finish writing its reports.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("data path {path} does not exist: pass an existing folder or file with --data")]
    MissingInput { path: PathBuf },

    #[error(
        "no articles found in {paths}: add .txt, .md, .jsonl or .csv files, or point --data elsewhere"
    )]
    NoInput { paths: String },

    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("output folder {path} is not writable ({source}): choose another with --out")]
    Output {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{path}: {message}")]
    Csv { path: PathBuf, message: String },

    #[error("{path}:{line}: {message}")]
    Config {
        path: PathBuf,
        line: usize,
        message: String,
    },

    #[error(
        "output folder {out} is in use by another slant run ({holder}); wait for it to finish, or use another --out (lock: {lock})"
    )]
    Locked {
        out: PathBuf,
        lock: PathBuf,
        holder: String,
    },

    #[error("invalid option: {0}")]
    Usage(String),

    #[error("lexicon problems (fix them and rerun; no article was read):\n{0}")]
    Lexicon(#[from] crate::lexicon::Problems),
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// Why one input (a file, a JSONL line, a CSV record, a manifest row) was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RejectReason {
    Unreadable(String),
    NotUtf8 { byte: usize },
    Binary,
    Empty,
    NoBody,
    TooLarge { bytes: u64, limit: u64 },
    Malformed(String),
    Manifest(String),
}

impl fmt::Display for RejectReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RejectReason::Unreadable(e) => write!(f, "unreadable: {e}"),
            RejectReason::NotUtf8 { byte } => write!(
                f,
                "not UTF-8 (invalid byte at offset {byte}): re-save the file as UTF-8"
            ),
            RejectReason::Binary => write!(f, "binary file (contains NUL bytes): not an article"),
            RejectReason::Empty => write!(f, "empty: no text"),
            RejectReason::NoBody => write!(f, "no body text after the title line"),
            RejectReason::TooLarge { bytes, limit } => write!(
                f,
                "too large: {bytes} bytes, limit {limit} (raise it with --max-article-bytes)"
            ),
            RejectReason::Malformed(m) => write!(f, "malformed row: {m}"),
            RejectReason::Manifest(m) => write!(f, "manifest: {m}"),
        }
    }
}

/// A rejected input, as written to `rejects.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reject {
    pub path: String,
    /// 1-based line for row-oriented inputs; `None` for whole files.
    pub line: Option<u64>,
    pub reason: RejectReason,
}
