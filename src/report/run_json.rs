//! `run.json`: what a run read, what it found and how long it took.
//!
//! Unlike the CSV reports it records wall-clock times, so it differs between runs;
//! everything else in the reports folder is byte-identical for the same input.

use serde::Serialize;

pub const FILE: &str = "run.json";

#[derive(Debug, Clone, Serialize)]
pub struct RunInfo {
    pub slant_version: &'static str,
    pub started: String,
    pub finished: String,
    pub elapsed_seconds: f64,
    pub inputs: Vec<String>,
    pub lexicons: String,
    pub out: String,
    pub options: RunOptionsInfo,
    /// Per clustering level: items, k and silhouette, or why it was skipped.
    pub clusters: Vec<super::ClusterSummary>,
    pub counts: Counts,
    pub throughput_mb_per_s: f64,
    pub timings: Timings,
    pub exit_code: i32,
}

#[derive(Debug, Clone, Serialize)]
pub struct RunOptionsInfo {
    pub threads: usize,
    pub max_article_bytes: u64,
    pub period: &'static str,
    pub k: Option<usize>,
    pub seed: u64,
    pub min_statements: u64,
    pub xlsx: bool,
    /// The cache folder, or null for a cold run.
    pub cache: Option<String>,
    pub archive: bool,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Counts {
    pub files: u64,
    pub files_ignored: u64,
    pub manifests: u64,
    pub manifest_entries: u64,
    pub articles: u64,
    pub rejected: u64,
    pub bytes: u64,
    pub chars_removed: u64,
    pub tokens: u64,
    pub sentences: u64,
    /// Input files taken whole from the cache (unchanged since a cached run).
    pub cached_files: u64,
    /// Articles not analysed again: from cached files or cached article results.
    pub cached_articles: u64,
}

/// Seconds spent per stage. `analyze_cpu` sums the time of all worker threads.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Timings {
    pub discover: f64,
    pub analyze_cpu: f64,
    pub write: f64,
    /// Aggregate reports and clustering, after the last article.
    pub finalize: f64,
}

pub fn write(dir: &std::path::Path, info: &RunInfo) -> Result<(), crate::error::Error> {
    let path = dir.join(FILE);
    let mut json = serde_json::to_string_pretty(info).expect("run info serializes");
    json.push('\n');
    std::fs::write(&path, json).map_err(|e| crate::error::Error::Output { path, source: e })
}
