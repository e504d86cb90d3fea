//! `slant.toml`: the settings of a nightly job, so cron lines stay short.
//!
//! Read before anything else in `slant run`; command-line flags override it. Paths in
//! the file are relative to the file's folder. Unknown keys and wrong types stop the
//! run with `file:line` and what to do, like a lexicon error.
//!
//! ```toml
//! data = ["archive", "extra.jsonl"]   # or one path: data = "archive"
//! out = "reports"
//! lexicons = "lexicons"
//! period = "week"                     # week | month | day
//! threads = 2
//! max_article_bytes = 10485760
//! xlsx = false
//! archive = true                      # keep reports/history/<timestamp>/
//! cache = true                        # false for cold runs
//! cache_dir = ".slant-cache/reports"
//!
//! [cluster]
//! k = 4                               # leave out to choose k by silhouette
//! seed = 42
//! min_statements = 2
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::Error;

/// The default config file, read when present and `--config` is not given.
pub const DEFAULT_FILE: &str = "slant.toml";

/// One path or several.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum Paths {
    One(PathBuf),
    Many(Vec<PathBuf>),
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ClusterConfig {
    pub k: Option<usize>,
    pub seed: Option<u64>,
    pub min_statements: Option<u64>,
}

/// The settings a `slant.toml` may hold; every one is optional.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub data: Option<Paths>,
    pub out: Option<PathBuf>,
    pub lexicons: Option<PathBuf>,
    pub period: Option<String>,
    pub threads: Option<usize>,
    pub max_article_bytes: Option<u64>,
    pub xlsx: Option<bool>,
    pub archive: Option<bool>,
    pub cache: Option<bool>,
    pub cache_dir: Option<PathBuf>,
    pub cluster: Option<ClusterConfig>,
}

impl Config {
    /// Reads and checks a config file; relative paths become relative to its folder.
    pub fn load(path: &Path) -> Result<Config, Error> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::Usage(format!(
                "config file {}: {e}: pass an existing file with --config",
                path.display()
            ))
        })?;
        Config::parse(&text, path)
    }

    pub fn parse(text: &str, path: &Path) -> Result<Config, Error> {
        let mut c: Config = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map_or(0, |s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            Error::Config {
                path: path.to_path_buf(),
                line,
                message: format!(
                    "{}; the keys are data, out, lexicons, period, threads, max_article_bytes, xlsx, archive, cache, cache_dir and [cluster] k, seed, min_statements",
                    if e.message().contains("enum Paths") {
                        "data must be a path (data = \"archive\") or a list of paths (data = [\"a\", \"b\"])"
                    } else {
                        e.message().trim()
                    }
                ),
            }
        })?;
        let base = path.parent().unwrap_or(Path::new(""));
        let rel = |p: &mut PathBuf| {
            if p.is_relative() && !base.as_os_str().is_empty() {
                *p = base.join(&*p);
            }
        };
        match &mut c.data {
            Some(Paths::One(p)) => rel(p),
            Some(Paths::Many(v)) => v.iter_mut().for_each(rel),
            None => {}
        }
        for p in [&mut c.out, &mut c.lexicons, &mut c.cache_dir]
            .into_iter()
            .flatten()
        {
            rel(p);
        }
        Ok(c)
    }

    pub fn data(&self) -> Vec<PathBuf> {
        match &self.data {
            Some(Paths::One(p)) => vec![p.clone()],
            Some(Paths::Many(v)) => v.clone(),
            None => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_file_parses_with_paths_relative_to_it() {
        let c = Config::parse(
            "data = [\"a\", \"/abs/b.jsonl\"]\nout = \"r\"\nperiod = \"month\"\nthreads = 2\n\n[cluster]\nk = 3\n",
            Path::new("/etc/slant/slant.toml"),
        )
        .unwrap();
        assert_eq!(
            c.data(),
            [PathBuf::from("/etc/slant/a"), PathBuf::from("/abs/b.jsonl")]
        );
        assert_eq!(c.out, Some(PathBuf::from("/etc/slant/r")));
        assert_eq!(c.period.as_deref(), Some("month"));
        assert_eq!(c.cluster.unwrap().k, Some(3));
    }

    #[test]
    fn one_data_path_is_accepted() {
        let c = Config::parse("data = \"archive\"\n", Path::new("slant.toml")).unwrap();
        assert_eq!(c.data(), [PathBuf::from("archive")]);
    }

    #[test]
    fn unknown_key_names_its_line() {
        let e = Config::parse("out = \"r\"\n\nthreds = 2\n", Path::new("slant.toml")).unwrap_err();
        let msg = e.to_string();
        assert!(msg.starts_with("slant.toml:3: "), "{msg}");
        assert!(msg.contains("threds"), "{msg}");
    }

    #[test]
    fn data_of_the_wrong_type_says_what_it_should_be() {
        let e = Config::parse("out = \"r\"\ndata = 5\n", Path::new("c.toml")).unwrap_err();
        let msg = e.to_string();
        assert!(msg.starts_with("c.toml:2: data must be a path"), "{msg}");
    }

    #[test]
    fn wrong_type_names_its_line() {
        let e = Config::parse("[cluster]\nseed = \"x\"\n", Path::new("c.toml")).unwrap_err();
        assert!(e.to_string().starts_with("c.toml:2: "), "{e}");
    }
}
