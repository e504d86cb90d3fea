//! `slant run`: analyse a corpus and write the reports.

use std::path::PathBuf;

use crate::corpus::Limits;
use crate::pipeline::{self, RunOptions};

pub struct Args {
    pub data: Vec<PathBuf>,
    pub out: PathBuf,
    pub lexicons: PathBuf,
    pub quiet: bool,
    pub threads: Option<usize>,
    pub max_article_bytes: u64,
}

pub fn run(args: Args) -> i32 {
    let opts = RunOptions {
        data: args.data,
        lexicons: args.lexicons,
        out: args.out,
        threads: args.threads,
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
        Err(e) => crate::cli::report_error(&e),
    }
}
