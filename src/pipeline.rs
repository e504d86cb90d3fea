//! Pipeline: `slant run`, wiring the stages together.
//!
//! discover → load (a reader thread) → analyze (rayon, batch by batch) → report.
//! The reader streams articles in batches through a bounded channel, so at most a few
//! batches are in memory whatever the corpus size. Each batch is analysed in parallel
//! and its results are written in input order, so reports do not depend on the thread
//! count. Rejects are written as they come and never stop the run.
//!
//! With the cache on, an input file whose bytes (and metadata) are unchanged since a
//! cached run is not parsed at all: its rows, counts and partial aggregates come from
//! the cache and are merged in its place. Files that changed are read and analysed
//! article by article, reusing the cached analysis of every unchanged article, and
//! the writer gathers what the file contributed into a new file entry.

use std::path::PathBuf;
use std::sync::mpsc::sync_channel;
use std::time::Instant;

use rayon::prelude::*;

use crate::aggregate::{Aggregates, Period};
use crate::analyze::{ArticleResult, analyze};
use crate::cache::{ArticleEntry, Cache, FileEntry};
use crate::cluster::ClusterParams;
use crate::corpus::{Item, Limits, Manifest, Source, discover};
use crate::error::{Error, Reject};
use crate::lexicon::Lexicons;
use crate::lock::OutputLock;
use crate::progress::Progress;
use crate::report::quotes::QuoteStage;
use crate::report::run_json::{Counts, RunInfo, RunOptionsInfo, Timings};
use crate::report::terms::TermCounts;
use crate::report::{self, Encoded, Staging, Table, dictionary};
use rustc_hash::FxHashSet;

/// The most bytes of rows one file entry may hold in memory; a larger input file is
/// cached article by article only, so memory stays flat whatever the file size.
const FILE_ENTRY_MAX: usize = 64 << 20;

/// Articles per batch, and bytes of text per batch, whichever comes first.
const BATCH_ITEMS: usize = 512;
const BATCH_BYTES: usize = 16 << 20;

#[derive(Debug, Clone)]
pub struct RunOptions {
    pub data: Vec<PathBuf>,
    pub lexicons: PathBuf,
    pub out: PathBuf,
    /// Worker threads; `None` uses one per core.
    pub threads: Option<usize>,
    pub limits: Limits,
    /// Draw a progress bar when stderr is a terminal.
    pub interactive: bool,
    /// How `periods.csv` groups dates.
    pub period: Period,
    pub cluster: ClusterParams,
    /// Also write the reports as one workbook, `slant.xlsx`.
    pub xlsx: bool,
    /// Per-article result cache; `None` for a cold run (`--no-cache`).
    pub cache_dir: Option<PathBuf>,
    /// Keep a copy of the reports in `<out>/history/<timestamp>/`.
    pub archive: bool,
}

/// What flows from the reader through the workers to the writer, in input order.
enum Unit {
    Item(Item),
    /// The end of an input file that was read; with a key, its entry may be stored.
    FileEnd(Option<u128>),
    /// An unchanged input file, from the cache.
    Cached(u128, Box<FileEntry>),
}

/// One unit processed, ready for the writer: for an article, the encoded `articles.csv`
/// row and what the aggregates need.
enum Done {
    Article {
        result: Box<ArticleResult>,
        row: Encoded,
        quote_rows: Vec<report::quotes::QuoteRow>,
        bytes: u64,
        secs: f64,
        key: Option<u128>,
        /// Came from the cache rather than being analysed.
        cached: bool,
    },
    Reject(Reject),
    FileEnd(Option<u128>),
    Cached(u128, Box<FileEntry>),
}

fn process(unit: Unit, lex: &Lexicons, cache: Option<&Cache>) -> Done {
    match unit {
        Unit::Item(item) => analyze_item(item, lex, cache),
        Unit::FileEnd(k) => Done::FileEnd(k),
        Unit::Cached(k, e) => Done::Cached(k, e),
    }
}

fn analyze_item(item: Item, lex: &Lexicons, cache: Option<&Cache>) -> Done {
    match item {
        Item::Reject(r) => Done::Reject(r),
        Item::Article(a) => {
            let t = Instant::now();
            let key = cache.map(|c| c.article_key(&a));
            let found = match (cache, key) {
                (Some(c), Some(k)) => c.article(k),
                _ => None,
            };
            let cached = found.is_some();
            let entry = match found {
                Some(e) => e,
                None => match analyze(&a, lex) {
                    Ok(result) => {
                        let mut e = ArticleEntry {
                            row: report::articles::row(&result, a.line, lex).encode(),
                            quote_rows: report::quotes::rows(&result),
                            result,
                        };
                        if let (Some(c), Some(k)) = (cache, key) {
                            // The rows hold the statement texts and nothing after this
                            // point reads them, so the entry (cached or not) drops them.
                            e.result.statements.iter_mut().for_each(|s| s.text.clear());
                            c.put(k, &e);
                        }
                        e
                    }
                    Err(reason) => {
                        return Done::Reject(Reject {
                            path: a.path.clone(),
                            line: a.line,
                            reason,
                        });
                    }
                },
            };
            Done::Article {
                result: Box::new(entry.result),
                row: entry.row,
                quote_rows: entry.quote_rows,
                bytes: a.text.len() as u64,
                secs: t.elapsed().as_secs_f64(),
                key,
                cached,
            }
        }
    }
}

/// The writer's state: open tables and the running totals.
struct Sink<'p> {
    articles: Table,
    rejects: Table,
    terms: TermCounts,
    quotes: QuoteStage,
    agg: Aggregates,
    counts: Counts,
    progress: &'p Progress,
    analyze_cpu: f64,
    write: f64,
    /// Cache keys this run used, so unused entries can be dropped.
    used: FxHashSet<u128>,
    /// With the cache on: what the current input file has contributed so far.
    partial: Option<FileEntry>,
    /// An empty file entry, to start the next file from.
    empty: Option<FileEntry>,
    cache: Option<&'p Cache>,
}

impl Sink<'_> {
    fn reject(&mut self, r: &Reject) -> Result<(), Error> {
        self.counts.rejected += 1;
        let line = r.line.map(|l| format!(":{l}")).unwrap_or_default();
        let message = format!("{}{line}: {}", r.path, r.reason);
        self.progress.warn(&message);
        let row = report::rejects::row(r).encode();
        if let Some(p) = &mut self.partial {
            p.reject_rows.push(row.clone());
            p.reject_messages.push(message);
        }
        self.rejects.encoded(&row)
    }

    fn done(&mut self, d: Done) -> Result<(), Error> {
        match d {
            Done::Reject(r) => self.reject(&r),
            Done::Article {
                result,
                row,
                quote_rows,
                bytes,
                secs,
                key,
                cached,
            } => {
                if let Some(k) = key {
                    self.used.insert(k);
                }
                let c = &mut self.counts;
                c.articles += 1;
                c.cached_articles += u64::from(cached);
                c.bytes += bytes;
                c.tokens += result.tokens;
                c.sentences += result.sentences;
                c.chars_removed += result.chars_removed;
                self.analyze_cpu += secs;
                self.terms.add(&result.outlet, &result.scores.term_hits);
                let quote_records = QuoteStage::records(&result, &quote_rows);
                self.quotes.append(&quote_records)?;
                self.agg.add(&result);
                self.articles.encoded(&row)?;
                if let Some(p) = &mut self.partial {
                    p.article_rows.extend_from_slice(row.bytes());
                    p.article_count += 1;
                    p.quote_records.extend_from_slice(&quote_records);
                    p.bytes += bytes;
                    p.tokens += result.tokens;
                    p.sentences += result.sentences;
                    p.chars_removed += result.chars_removed;
                    p.terms.add(&result.outlet, &result.scores.term_hits);
                    p.aggregates.add(&result);
                    p.article_keys.extend(key);
                    if p.article_rows.len() + p.quote_records.len() > FILE_ENTRY_MAX {
                        self.partial = None;
                    }
                }
                self.progress.advance(bytes, self.counts.articles);
                Ok(())
            }
            Done::FileEnd(key) => {
                let finished = std::mem::replace(&mut self.partial, self.empty.clone());
                if let (Some(k), Some(entry), Some(cache)) = (key, finished, self.cache) {
                    cache.put(k, &entry);
                    self.used.insert(k);
                }
                Ok(())
            }
            Done::Cached(key, e) => {
                self.used.insert(key);
                self.used.extend(e.article_keys.iter().copied());
                let c = &mut self.counts;
                c.articles += e.article_count;
                c.cached_articles += e.article_count;
                c.cached_files += 1;
                c.bytes += e.bytes;
                c.tokens += e.tokens;
                c.sentences += e.sentences;
                c.chars_removed += e.chars_removed;
                c.rejected += e.reject_rows.len() as u64;
                for m in &e.reject_messages {
                    self.progress.warn(m);
                }
                for r in &e.reject_rows {
                    self.rejects.encoded(r)?;
                }
                self.articles.append(&e.article_rows, e.article_count)?;
                self.quotes.append(&e.quote_records)?;
                self.terms.merge(&e.terms);
                let FileEntry {
                    aggregates, bytes, ..
                } = *e;
                self.agg.merge(aggregates);
                self.progress.advance(bytes, self.counts.articles);
                Ok(())
            }
        }
    }
}

/// What a finished run reports to the caller.
#[derive(Debug, Clone)]
pub struct RunOutcome {
    pub counts: Counts,
    pub seconds: f64,
    pub out: PathBuf,
}

impl RunOutcome {
    /// 0 when every input was used, 3 when some were rejected.
    pub fn exit_code(&self) -> i32 {
        if self.counts.rejected > 0 { 3 } else { 0 }
    }

    pub fn mb_per_s(&self) -> f64 {
        if self.seconds > 0.0 {
            self.counts.bytes as f64 / 1e6 / self.seconds
        } else {
            0.0
        }
    }

    /// The one line a cron run prints.
    pub fn summary(&self) -> String {
        let c = &self.counts;
        let rejected = if c.rejected > 0 {
            format!(
                ", {} rejected (see {})",
                c.rejected,
                self.out.join(report::rejects::FILE).display()
            )
        } else {
            String::new()
        };
        format!(
            "slant: {} articles{rejected}, {} tokens, {} sentences, {:.2} s, {:.1} MB/s -> {}",
            c.articles,
            c.tokens,
            c.sentences,
            self.seconds,
            self.mb_per_s(),
            self.out.display()
        )
    }
}

pub fn run(opts: &RunOptions) -> Result<RunOutcome, Error> {
    let started = chrono::Utc::now();
    let t0 = Instant::now();
    // Lexicon problems stop the run before any article is read or any report touched.
    let lex = Lexicons::load_dir(&opts.lexicons)?;
    let found = discover(&opts.data)?;
    // Before staging: a second run must not touch the first one's staging folder.
    let _lock = OutputLock::acquire(&opts.out)?;
    let staging = Staging::begin(&opts.out)?;
    // The cache only speeds runs up: if it cannot be used, say so and run cold.
    let cache = opts.cache_dir.as_ref().and_then(|dir| {
        let options = format!(
            "period={} max_article_bytes={}",
            opts.period.as_str(),
            opts.limits.max_article_bytes
        );
        Cache::open(dir, &lex, &options)
            .map_err(|e| eprintln!("slant: warning: running without the cache: {e}"))
            .ok()
    });
    let t_discover = t0.elapsed().as_secs_f64();

    let threads = opts
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::Usage(format!("cannot start {threads} threads: {e}")))?;

    let mut counts = Counts {
        files: found.files.len() as u64,
        files_ignored: found.ignored as u64,
        manifests: found.manifests.len() as u64,
        ..Counts::default()
    };
    let mut manifest_rejects = Vec::new();
    let manifest = Manifest::load(&found.manifests, &mut manifest_rejects);
    counts.manifest_entries = manifest.len() as u64;

    let articles = Table::create(
        staging.dir(),
        report::articles::FILE,
        &report::articles::columns(&lex),
    )?;
    let terms = TermCounts::new(&lex);
    let quotes = QuoteStage::new(staging.dir())?;
    let agg = Aggregates::new(&lex, opts.period);
    let rejects = Table::create(
        staging.dir(),
        report::rejects::FILE,
        report::rejects::COLUMNS,
    )?;
    let progress = Progress::new(found.total_bytes, opts.interactive);
    let mut timings = Timings {
        discover: t_discover,
        ..Timings::default()
    };

    let mut sink = Sink {
        articles,
        rejects,
        terms,
        quotes,
        agg,
        counts,
        progress: &progress,
        analyze_cpu: 0.0,
        write: 0.0,
        used: FxHashSet::default(),
        partial: None,
        empty: None,
        cache: cache.as_ref(),
    };
    if cache.is_some() {
        sink.empty = Some(FileEntry {
            article_rows: Vec::new(),
            article_count: 0,
            quote_records: Vec::new(),
            reject_rows: Vec::new(),
            reject_messages: Vec::new(),
            bytes: 0,
            tokens: 0,
            sentences: 0,
            chars_removed: 0,
            terms: TermCounts::new(&lex),
            aggregates: Aggregates::new(&lex, opts.period),
            article_keys: Vec::new(),
        });
        sink.partial = sink.empty.clone();
    }
    for r in &manifest_rejects {
        sink.reject(r)?;
    }

    // reader thread -> (batches) -> analysis on the pool -> (results) -> writer thread
    let sink = std::thread::scope(|scope| -> Result<Sink<'_>, Error> {
        let (tx, rx) = sync_channel::<Vec<Unit>>(2);
        let (done_tx, done_rx) = sync_channel::<Vec<Done>>(2);
        let files = &found.files;
        let manifest = &manifest;
        let limits = opts.limits;
        let lex = &lex;
        let cache = cache.as_ref();
        scope.spawn(move || {
            let mut batch = Vec::with_capacity(BATCH_ITEMS);
            let mut bytes = 0;
            let mut push = |unit: Unit, size: usize, batch: &mut Vec<Unit>| -> bool {
                bytes += size;
                batch.push(unit);
                if batch.len() >= BATCH_ITEMS || bytes >= BATCH_BYTES {
                    bytes = 0;
                    return tx.send(std::mem::take(batch)).is_ok();
                }
                true
            };
            for (i, f) in files.iter().enumerate() {
                let key = cache.and_then(|c| c.file_key(f, manifest.get(&f.path)));
                if let Some(entry) = cache.zip(key).and_then(|(c, k)| c.file(k)) {
                    let size = entry.article_rows.len() + entry.quote_records.len();
                    if !push(
                        Unit::Cached(key.expect("hit"), Box::new(entry)),
                        size,
                        &mut batch,
                    ) {
                        return;
                    }
                    continue;
                }
                for item in Source::new(&files[i..=i], manifest, limits) {
                    let size = item.bytes();
                    if !push(Unit::Item(item), size, &mut batch) {
                        return;
                    }
                }
                if cache.is_some() && !push(Unit::FileEnd(key), 0, &mut batch) {
                    return;
                }
            }
            if !batch.is_empty() {
                let _ = tx.send(batch);
            }
        });
        let writer = scope.spawn(move || -> Result<Sink<'_>, Error> {
            let mut sink = sink;
            for batch in done_rx {
                let t = Instant::now();
                for done in batch {
                    sink.done(done)?;
                }
                sink.write += t.elapsed().as_secs_f64();
            }
            Ok(sink)
        });
        for batch in rx {
            let done: Vec<Done> = pool.install(|| {
                batch
                    .into_par_iter()
                    .map(|unit| process(unit, lex, cache))
                    .collect()
            });
            if done_tx.send(done).is_err() {
                break; // the writer failed; its error is returned below
            }
        }
        drop(done_tx);
        writer.join().expect("writer thread panicked")
    })?;
    let Sink {
        articles,
        rejects,
        terms,
        quotes,
        mut agg,
        counts,
        analyze_cpu,
        mut used,
        write,
        ..
    } = sink;
    timings.analyze_cpu = analyze_cpu;
    timings.write = write;
    progress.finish();

    articles.finish()?;
    rejects.finish()?;
    terms.write(staging.dir(), &lex)?;
    let t_finalize = Instant::now();
    let clusters = report::finalize(
        staging.dir(),
        &lex,
        &mut agg,
        &opts.cluster,
        cache.as_ref().map(|c| (c, &mut used)),
    )?;
    timings.finalize = t_finalize.elapsed().as_secs_f64();
    quotes.finish(staging.dir(), &lex, &agg)?;
    std::fs::write(staging.dir().join("README.md"), dictionary::render(&lex)).map_err(|e| {
        Error::Output {
            path: staging.dir().join("README.md"),
            source: e,
        }
    })?;
    if opts.xlsx {
        report::xlsx::write(staging.dir(), &report::csv_files())?;
    }
    let seconds = t0.elapsed().as_secs_f64();
    let outcome = RunOutcome {
        counts: counts.clone(),
        seconds,
        out: opts.out.clone(),
    };
    let info = RunInfo {
        slant_version: env!("CARGO_PKG_VERSION"),
        started: started.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        finished: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        elapsed_seconds: round3(seconds),
        inputs: opts.data.iter().map(|p| p.display().to_string()).collect(),
        lexicons: opts.lexicons.display().to_string(),
        out: opts.out.display().to_string(),
        options: RunOptionsInfo {
            threads,
            max_article_bytes: opts.limits.max_article_bytes,
            period: opts.period.as_str(),
            k: opts.cluster.k(),
            seed: opts.cluster.seed(),
            min_statements: opts.cluster.min_statements(),
            xlsx: opts.xlsx,
            cache: opts.cache_dir.as_ref().map(|d| d.display().to_string()),
            archive: opts.archive,
        },
        clusters,
        counts,
        throughput_mb_per_s: round3(outcome.mb_per_s()),
        timings: Timings {
            discover: round3(timings.discover),
            analyze_cpu: round3(timings.analyze_cpu),
            write: round3(timings.write),
            finalize: round3(timings.finalize),
        },
        exit_code: outcome.exit_code(),
    };
    report::run_json::write(staging.dir(), &info)?;
    if opts.archive {
        staging.archive(&started.format("%Y-%m-%dT%H-%M-%SZ").to_string())?;
    }
    staging.commit()?;
    // Only after the reports are in place: a failed run leaves the cache as it was.
    // The reports are written; a cache that cannot be saved only costs the next run.
    if let Some(c) = cache
        && let Err(e) = c.commit(&used)
    {
        eprintln!("slant: warning: the cache was not saved: {e}");
    }
    Ok(outcome)
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}
