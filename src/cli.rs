//! CLI: the command line, parsed with clap, mapped onto library calls.
//!
//! One function per subcommand; each returns the process exit code. Errors are printed
//! once, as `slant: error: …` with their context, and mapped to the documented codes.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::commands;
use crate::error::Error;
use crate::lexicon::format::Format;

pub const EXIT_OK: i32 = 0;
pub const EXIT_FATAL: i32 = 1;
pub const EXIT_USAGE: i32 = 2;
pub const EXIT_REJECTS: i32 = 3;

const AFTER_HELP: &str = "\
Reports (in --out, default reports/):
  articles.csv   one row per article: id, outlet, date, title, counts, sentiment,
                 stance per axis, frames, target-specific sentiment and stance
  quotes.csv     one row per attributed statement: speaker, role, kind, cue, text,
                 byte offsets, and the statement's scores
  speakers.csv   one row per speaker: role, affiliation, articles, outlets, quotes,
                 mean sentiment, stance and frames, cluster
  outlets.csv    one row per outlet: sentiment with 95% interval, stance, frames,
                 targets, quotes by role, experts, cluster
  outlet_speakers.csv, frames.csv, metrics_long.csv (outlet,metric,value)
  periods.csv    outlet x ISO week (--period month|day) time series
  clusters.csv, cluster_profiles.csv   KMeans + PCA of articles, speakers, outlets
  terms.csv      every lexicon entry with its hits, articles and outlets
  rejects.csv    inputs that were skipped: path, line, reason
  run.json       what the run read and found, options, timings
  README.md      data dictionary of every column
  slant.xlsx     with --xlsx: every CSV above as a sheet

Exit status:
  0  all inputs analysed
  1  fatal error (no input found, output not writable or in use by another run,
     bad lexicon or slant.toml); reports untouched
  2  usage error (unknown flag, bad value)
  3  finished, but some inputs were rejected (see rejects.csv)";

#[derive(Debug, Parser)]
#[command(
    name = "slant",
    version,
    about = "Media-framing and stance analysis of news corpora",
    long_about = "slant reads a corpus of news articles, scores them against editable lexicons, \
finds who is quoted, and writes CSV reports for spreadsheets. `slant run` with no flags \
analyses data/ with lexicons/ into reports/.",
    after_help = AFTER_HELP
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Analyse a corpus and write the reports.
    #[command(after_help = AFTER_HELP)]
    Run(RunArgs),
    /// Score sentences from stdin (one per line) with VADER's algorithm; CSV to stdout.
    Sentiment(SentimentArgs),
    /// Work with lexicons.
    #[command(subcommand)]
    Lexicon(LexiconCommand),
    /// Explain one article's scores: every lexicon match in context with the rules
    /// that changed it, its statements and speakers, and its scores.
    Explain {
        /// An article file, or an article id from articles.csv (searched in --data).
        article: String,
        /// Where to look for the id [default: data]
        #[arg(long, value_name = "PATH")]
        data: Vec<PathBuf>,
        /// Lexicon folder.
        #[arg(long, value_name = "DIR", default_value = "lexicons")]
        lexicons: PathBuf,
        /// Write the matches as CSV to FILE instead of printing.
        #[arg(long, value_name = "FILE")]
        csv: Option<PathBuf>,
    },
    /// Compare two report folders: outlet, speaker and term-hit changes, largest first.
    Diff {
        /// The earlier reports folder.
        old: PathBuf,
        /// The later reports folder.
        new: PathBuf,
        /// Write every change as CSV to FILE.
        #[arg(long, value_name = "FILE")]
        csv: Option<PathBuf>,
        /// Changes shown per section of the summary.
        #[arg(long, value_name = "N", default_value_t = 10)]
        top: usize,
    },
    /// Print the attributed statements of one article (.txt or .md), for checking.
    Quotes {
        /// The article file.
        file: PathBuf,
        /// Lexicon folder.
        #[arg(long, value_name = "DIR", default_value = "lexicons")]
        lexicons: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Settings file (default: ./slant.toml when it exists). Flags override it.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Input folder (searched recursively) or file: .txt, .md, .jsonl, .csv, with an
    /// optional manifest.csv per folder. Repeat for several [default: data]
    #[arg(long, value_name = "PATH")]
    pub data: Vec<PathBuf>,

    /// Output folder; replaced as a whole when the run succeeds [default: reports]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Lexicon folder [default: lexicons]
    #[arg(long, value_name = "DIR")]
    pub lexicons: Option<PathBuf>,

    /// Print nothing but errors (no progress bar, no summary line).
    #[arg(long, short)]
    pub quiet: bool,

    /// Worker threads (default: one per core). Reports are identical for any value.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,

    /// Largest article accepted, in bytes; larger ones go to rejects.csv
    /// [default: 10485760]
    #[arg(long, value_name = "BYTES",
          value_parser = clap::value_parser!(u64).range(1..=(u32::MAX as u64 / 2)))]
    pub max_article_bytes: Option<u64>,

    /// Periods of periods.csv: week (ISO 8601), month or day [default: week]
    #[arg(long, value_name = "PERIOD", value_parser = ["week", "month", "day"])]
    pub period: Option<String>,

    /// Clusters per level (default: chosen by silhouette over 2..=8).
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u16).range(2..=1000))]
    pub k: Option<u16>,

    /// Seed of the clustering; the same seed gives the same clusters [default: 42]
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,

    /// Statements a speaker needs to be clustered [default: 2]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub min_statements: Option<u64>,

    /// Also write every report as a sheet of one workbook, slant.xlsx.
    #[arg(long)]
    pub xlsx: bool,

    /// Keep a copy of this run's reports in <out>/history/<timestamp>/.
    #[arg(long)]
    pub archive: bool,

    /// Analyse every article again (a cold run); the cache is neither read nor written.
    #[arg(long)]
    pub no_cache: bool,

    /// Cache folder [default: .slant-cache/<out name> beside --out]
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct SentimentArgs {
    /// Valence lexicon: a VADER `vader_lexicon.txt` (reproduces vaderSentiment 3.3.2),
    /// or a native term<TAB>category<TAB>weight file. Default: the sentiment lexicon
    /// of --lexicons.
    #[arg(long, value_name = "FILE")]
    pub lexicon: Option<PathBuf>,

    /// Format of --lexicon: native, vader or liwc (default: detected).
    #[arg(long, value_name = "FORMAT", value_parser = parse_format)]
    pub format: Option<Format>,

    /// Let multi-word lexicon entries match (VADER never matches them) and apply
    /// "but" by position.
    #[arg(long)]
    pub fixed: bool,

    /// Lexicon folder for the default lexicon and the negator, booster and contrast
    /// rules of native lexicons.
    #[arg(long, value_name = "DIR", default_value = "lexicons")]
    pub lexicons: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum LexiconCommand {
    /// Validate a lexicon folder (every problem as file:line: what: how to fix) and
    /// list shadowed entries. Exit 1 if a run would refuse it.
    Check {
        /// Lexicon folder.
        #[arg(value_name = "DIR", default_value = "lexicons")]
        dir: PathBuf,
        /// Reports of an earlier run: entries its terms.csv shows unmatched are listed.
        #[arg(long, value_name = "DIR", default_value = "reports")]
        reports: PathBuf,
        /// List every unmatched entry (default: the first 40).
        #[arg(long)]
        all: bool,
    },
}

fn parse_format(s: &str) -> Result<Format, String> {
    Format::from_name(s).ok_or_else(|| format!("unknown format '{s}': use native, vader or liwc"))
}

/// Parses the command line and runs it; returns the exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            let _ = e.print();
            return code;
        }
    };
    match cli.command {
        Command::Run(a) => commands::run::run(a),
        Command::Sentiment(a) => commands::sentiment::run(commands::sentiment::Args {
            lexicon: a.lexicon,
            format: a.format,
            fixed: a.fixed,
            lexicons: a.lexicons,
        }),
        Command::Explain {
            article,
            data,
            lexicons,
            csv,
        } => {
            let data = if data.is_empty() {
                vec![PathBuf::from("data")]
            } else {
                data
            };
            let args = commands::explain::Args {
                article,
                data,
                lexicons,
                csv,
            };
            match commands::explain::run(args, &mut std::io::stdout()) {
                Ok(()) => EXIT_OK,
                Err(e) => report_error(&e),
            }
        }
        Command::Diff { old, new, csv, top } => {
            let args = commands::diff::Args { old, new, csv, top };
            match commands::diff::run(args, &mut std::io::stdout()) {
                Ok(()) => EXIT_OK,
                Err(e) => report_error(&e),
            }
        }
        Command::Quotes { file, lexicons } => {
            commands::quotes::run(&file, &lexicons, &mut std::io::stdout())
        }
        Command::Lexicon(LexiconCommand::Check { dir, reports, all }) => {
            commands::lexicon::check(&dir, &reports, all, &mut std::io::stdout())
        }
    }
}

/// Prints a fatal error and returns its exit code.
pub fn report_error(e: &Error) -> i32 {
    // `slant explain ... | head` closing the pipe is not an error.
    if let Error::Io { source, .. } = e
        && source.kind() == std::io::ErrorKind::BrokenPipe
    {
        return EXIT_OK;
    }
    eprintln!("slant: error: {e}");
    match e {
        Error::Usage(_) => EXIT_USAGE,
        _ => EXIT_FATAL,
    }
}
