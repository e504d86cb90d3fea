//! CLI: the command line, parsed with clap, mapped onto library calls.
//!
//! One function per subcommand; each returns the process exit code. Errors are printed
//! once, as `slant: error: …` with their context, and mapped to the documented codes.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::corpus::Limits;
use crate::error::Error;
use crate::pipeline::{self, RunOptions};

pub const EXIT_OK: i32 = 0;
pub const EXIT_FATAL: i32 = 1;
pub const EXIT_USAGE: i32 = 2;
pub const EXIT_REJECTS: i32 = 3;

const AFTER_HELP: &str = "\
Reports (in --out, default reports/):
  articles.csv   one row per article: id, path, outlet, date, title, lang, counts
  rejects.csv    inputs that were skipped: path, line, reason
  run.json       what the run read and found, options, timings
  README.md      data dictionary of every column

Exit status:
  0  all inputs analysed
  1  fatal error (no input found, output not writable, bad lexicon); reports untouched
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
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Input folder (searched recursively) or file: .txt, .md, .jsonl, .csv, with an
    /// optional manifest.csv per folder. Repeat for several.
    #[arg(long, value_name = "PATH", default_value = "data")]
    pub data: Vec<PathBuf>,

    /// Output folder; replaced as a whole when the run succeeds.
    #[arg(long, value_name = "DIR", default_value = "reports")]
    pub out: PathBuf,

    /// Lexicon folder.
    #[arg(long, value_name = "DIR", default_value = "lexicons")]
    pub lexicons: PathBuf,

    /// Print nothing but errors (no progress bar, no summary line).
    #[arg(long, short)]
    pub quiet: bool,

    /// Worker threads (default: one per core). Reports are identical for any value.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,

    /// Largest article accepted, in bytes; larger ones go to rejects.csv.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().max_article_bytes,
          value_parser = clap::value_parser!(u64).range(1..=(u32::MAX as u64 / 2)))]
    pub max_article_bytes: u64,
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
        Command::Run(args) => run(args),
    }
}

fn run(args: RunArgs) -> i32 {
    let opts = RunOptions {
        data: args.data,
        lexicons: args.lexicons,
        out: args.out,
        threads: args.threads.map(usize::from),
        limits: Limits {
            max_article_bytes: args.max_article_bytes,
        },
        interactive: !args.quiet,
    };
    match pipeline::run(&opts) {
        Ok(outcome) => {
            if !args.quiet {
                eprintln!("{}", outcome.summary());
            }
            outcome.exit_code()
        }
        Err(e) => report_error(&e),
    }
}

/// Prints a fatal error and returns its exit code.
pub fn report_error(e: &Error) -> i32 {
    eprintln!("slant: error: {e}");
    match e {
        Error::Usage(_) => EXIT_USAGE,
        _ => EXIT_FATAL,
    }
}
