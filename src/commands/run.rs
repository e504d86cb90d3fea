//! `slant run`: analyse a corpus and write the reports.
//!
//! Resolves the options (flags over `slant.toml` over defaults), takes the output lock,
//! runs the pipeline and archives the reports when asked.

use std::path::{Path, PathBuf};

use crate::aggregate::Period;
use crate::cli::RunArgs;
use crate::cluster::ClusterParams;
use crate::config::{Config, DEFAULT_FILE};
use crate::corpus::Limits;
use crate::error::Error;
use crate::pipeline::{self, RunOptions};

/// The options of a run: flags, then the config file, then defaults.
pub fn options(args: &RunArgs) -> Result<(RunOptions, bool), Error> {
    let config = match &args.config {
        Some(p) => Config::load(p)?,
        None if Path::new(DEFAULT_FILE).is_file() => Config::load(Path::new(DEFAULT_FILE))?,
        None => Config::default(),
    };
    let cl = config.cluster.clone().unwrap_or_default();
    let cluster = ClusterParams::new(
        args.k.map(usize::from).or(cl.k),
        args.seed.or(cl.seed).unwrap_or(42),
        args.min_statements.or(cl.min_statements).unwrap_or(2),
    )
    .map_err(|e| Error::Usage(e.to_string()))?;
    let period_name = args
        .period
        .clone()
        .or(config.period.clone())
        .unwrap_or_else(|| "week".into());
    let period = Period::parse(&period_name)
        .ok_or_else(|| Error::Usage(format!("period {period_name}: use week, month or day")))?;
    let data = if args.data.is_empty() {
        let d = config.data();
        if d.is_empty() {
            vec![PathBuf::from("data")]
        } else {
            d
        }
    } else {
        args.data.clone()
    };
    let out = args
        .out
        .clone()
        .or(config.out.clone())
        .unwrap_or_else(|| PathBuf::from("reports"));
    let threads = args.threads.map(usize::from).or(config.threads);
    if threads == Some(0) {
        return Err(Error::Usage("threads must be at least 1".into()));
    }
    let max_article_bytes = args
        .max_article_bytes
        .or(config.max_article_bytes)
        .unwrap_or(Limits::default().max_article_bytes);
    if max_article_bytes == 0 {
        return Err(Error::Usage("max_article_bytes must be at least 1".into()));
    }
    let use_cache = !args.no_cache && config.cache.unwrap_or(true);
    let cache_dir = use_cache.then(|| {
        args.cache_dir
            .clone()
            .or(config.cache_dir.clone())
            .unwrap_or_else(|| crate::cache::default_dir(&out))
    });
    let opts = RunOptions {
        data,
        lexicons: args
            .lexicons
            .clone()
            .or(config.lexicons.clone())
            .unwrap_or_else(|| PathBuf::from("lexicons")),
        out,
        threads,
        limits: Limits { max_article_bytes },
        interactive: !args.quiet,
        period,
        cluster,
        xlsx: args.xlsx || config.xlsx.unwrap_or(false),
        cache_dir,
        archive: args.archive || config.archive.unwrap_or(false),
    };
    Ok((opts, args.quiet))
}

pub fn run(args: RunArgs) -> i32 {
    let (opts, quiet) = match options(&args) {
        Ok(o) => o,
        Err(e) => return crate::cli::report_error(&e),
    };
    match pipeline::run(&opts) {
        Ok(outcome) => {
            if !quiet {
                eprintln!("{}", outcome.summary());
            }
            outcome.exit_code()
        }
        Err(e) => crate::cli::report_error(&e),
    }
}
