//! `slant run`: analyse a corpus and write the reports.

use std::path::PathBuf;

use crate::aggregate::Period;
use crate::cluster::ClusterParams;
use crate::corpus::Limits;
use crate::error::Error;
use crate::pipeline::{self, RunOptions};

pub struct Args {
    pub data: Vec<PathBuf>,
    pub out: PathBuf,
    pub lexicons: PathBuf,
    pub quiet: bool,
    pub threads: Option<usize>,
    pub max_article_bytes: u64,
    pub period: String,
    pub k: Option<usize>,
    pub seed: u64,
    pub min_statements: u64,
    pub xlsx: bool,
}

pub fn run(args: Args) -> i32 {
    let cluster = match ClusterParams::new(args.k, args.seed, args.min_statements) {
        Ok(c) => c,
        Err(e) => return crate::cli::report_error(&Error::Usage(e.to_string())),
    };
    let Some(period) = Period::parse(&args.period) else {
        return crate::cli::report_error(&Error::Usage(format!(
            "--period {}: use week, month or day",
            args.period
        )));
    };
    let opts = RunOptions {
        data: args.data,
        lexicons: args.lexicons,
        out: args.out,
        threads: args.threads,
        limits: Limits {
            max_article_bytes: args.max_article_bytes,
        },
        interactive: !args.quiet,
        period,
        cluster,
        xlsx: args.xlsx,
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
