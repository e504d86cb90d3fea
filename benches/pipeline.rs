//! Throughput benchmark: `cargo bench --bench pipeline`.
//!
//! Generates a synthetic corpus from the paragraphs of the shipped sample (`data/`),
//! shuffled with a fixed seed into articles of 1-8 KB (whole paragraphs keep the
//! sample's density of quotes and attributions, about two statements per KB, as in the
//! seed news articles), and measures
//! 1. the text stages alone (clean → tokenize → sentences) on all cores, in memory;
//! 2. `slant run` end to end (the release binary) on corpora of two sizes, with its
//!    peak memory, to show memory stays flat as the corpus grows.
//!
//! (`cargo bench --bench pipeline -- stages` runs only the in-memory stages, on both
//! kinds of paragraphs.)
//! 3. incremental reruns (`cargo bench --bench pipeline -- incremental` runs only
//!    this): a 10,000-article corpus run cold, then rerun unchanged, with 1% new
//!    articles (a new file, or appended to an existing one) and after a lexicon edit,
//!    each checked byte-identical to a cold run of the same input.
//!
//! Sizes: `SLANT_BENCH_MB` (default 200) and a quarter of it. To profile by hand,
//! `SLANT_BENCH_KEEP=DIR` writes the larger corpus to `DIR` and keeps it.

// The same allocator as the `slant` binary, so in-memory figures match what it does.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;
use slant::analyze::Doc;
use slant::corpus::{Article, Format, Meta, OutletSource};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Paragraphs of the sample corpus, to build synthetic articles from.
fn paragraphs(root: PathBuf) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().filter_map(Result::ok) {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "txt" || x == "md") {
                let t = std::fs::read_to_string(&p).unwrap();
                // The first line is the title.
                for line in t.lines().skip(1) {
                    if line.len() > 30 {
                        out.push(line.to_string());
                    }
                }
            }
        }
    }
    out.sort();
    out
}

fn article_text(rng: &mut Rng, sents: &[String]) -> String {
    let target = 1000 + rng.below(7000);
    let mut s = String::from("Synthetic title for a benchmark\n\n");
    while s.len() < target {
        s.push_str(&sents[rng.below(sents.len())]);
        s.push_str("\n\n");
    }
    s
}

/// Writes a corpus of about `mb` megabytes as JSONL files of ~16 MB.
fn write_corpus(dir: &Path, mb: usize, sents: &[String]) -> u64 {
    std::fs::create_dir_all(dir).unwrap();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut total = 0u64;
    let mut file_no = 0;
    while total < (mb as u64) << 20 {
        let mut f = std::io::BufWriter::new(
            std::fs::File::create(dir.join(format!("part-{file_no:04}.jsonl"))).unwrap(),
        );
        let mut in_file = 0u64;
        let mut i = 0;
        while in_file < 16 << 20 && total < (mb as u64) << 20 {
            let text = article_text(&mut rng, sents);
            let rec = serde_json::json!({"id": format!("f{file_no}-{i}"), "outlet": format!("Outlet {}", i % 7), "date": "2025-01-14", "text": text});
            let line = rec.to_string();
            writeln!(f, "{line}").unwrap();
            in_file += text.len() as u64;
            total += text.len() as u64;
            i += 1;
        }
        file_no += 1;
    }
    total
}

fn text_stages(sents: &[String], mb: usize) {
    let mut rng = Rng(42);
    let mut articles = Vec::new();
    let mut bytes = 0usize;
    while bytes < mb << 20 {
        let text = article_text(&mut rng, sents);
        bytes += text.len();
        articles.push(Article {
            id: String::new(),
            path: String::new(),
            line: None,
            format: Format::Text,
            text,
            meta: Meta::default(),
            outlet_source: OutletSource::Unknown,
        });
    }
    let lex =
        slant::lexicon::Lexicons::load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("lexicons"))
            .unwrap();
    let prepare = |arts: &[Article]| -> usize {
        arts.par_iter()
            .map(|a| Doc::prepare(a).map_or(0, |d| d.tokens.tokens.len()))
            .sum()
    };
    let matching = |arts: &[Article]| -> usize {
        arts.par_iter()
            .map(|a| {
                Doc::prepare(a).map_or(0, |d| {
                    lex.match_tokens(&d.tokens)
                        .by_kind
                        .iter()
                        .map(Vec::len)
                        .sum()
                })
            })
            .sum()
    };
    let scoring = |arts: &[Article]| -> usize {
        arts.par_iter()
            .map(|a| {
                Doc::prepare(a).map_or(0, |d| {
                    let m = lex.match_tokens(&d.tokens);
                    slant::score::score(&a.text, &d.tokens, &d.sentences, &m, &lex)
                        .term_hits
                        .len()
                })
            })
            .sum()
    };
    // The corpus is timed in chunks of about 8 MB: each chunk goes through the three
    // stages in turn, three rounds, and keeps the best time of each; the sums over
    // chunks are the corpus's times. A shared machine drifts from second to second, and
    // timing the stages side by side, chunk by chunk, keeps their ratios fair.
    let (mut s, mut matched, mut scored) = (0.0, 0.0, 0.0);
    let (mut tokens, mut hits) = (0, 0);
    let mut from = 0;
    while from < articles.len() {
        let mut to = from;
        let mut chunk_bytes = 0;
        while to < articles.len() && chunk_bytes < 8 << 20 {
            chunk_bytes += articles[to].text.len();
            to += 1;
        }
        let chunk = &articles[from..to];
        let mut best = [f64::MAX; 3];
        let mut counts = (0, 0);
        for _ in 0..3 {
            let t = Instant::now();
            let n = prepare(chunk);
            best[0] = best[0].min(t.elapsed().as_secs_f64());
            let t = Instant::now();
            std::hint::black_box(matching(chunk));
            best[1] = best[1].min(t.elapsed().as_secs_f64());
            let t = Instant::now();
            let h = scoring(chunk);
            best[2] = best[2].min(t.elapsed().as_secs_f64());
            counts = (n, h);
        }
        tokens += counts.0;
        hits += counts.1;
        s += best[0];
        matched += best[1];
        scored += best[2];
        from = to;
    }
    let mb = bytes as f64 / 1e6;
    println!(
        "text stages (clean+tokenize+sentences), {} threads: {mb:.1} MB in {s:.2} s = {:.1} MB/s, {:.1} M tokens/s",
        rayon::current_num_threads(),
        mb / s,
        tokens as f64 / 1e6 / s
    );
    println!(
        "text stages + matching only: {matched:.2} s; matching adds {:.0}%",
        (matched / s - 1.0) * 100.0
    );
    println!(
        "text stages + matching {} lexicon entries + scoring: {scored:.2} s = {:.1} MB/s; scoring adds {:.0}% to the text stages ({hits} entries hit, summed over articles)",
        lex.entries.len(),
        mb / scored,
        (scored / s - 1.0) * 100.0
    );
    let best = |f: &dyn Fn() -> usize| {
        let mut secs = f64::MAX;
        let mut out = 0;
        for _ in 0..3 {
            let t = Instant::now();
            out = f();
            secs = secs.min(t.elapsed().as_secs_f64());
        }
        (secs, out)
    };
    // Everything a worker does in `slant run`: analyze (which adds quote extraction,
    // speaker resolution and statement scores) and encoding the report rows.
    let (full, statements) = best(&|| {
        articles
            .par_iter()
            .map(|a| {
                slant::analyze::analyze(a, &lex).map_or(0, |r| {
                    let rows = slant::report::quotes::rows(&r);
                    std::hint::black_box(slant::report::articles::row(&r, None, &lex).encode());
                    rows.len()
                })
            })
            .sum()
    });
    println!(
        "+ quotes, speakers and report rows: {full:.2} s = {:.1} MB/s; quotes cost {:.0}% of the scoring pipeline's throughput ({statements} statements)",
        mb / full,
        (1.0 - scored / full) * 100.0
    );
}

/// Runs `slant run` on `data`; returns seconds, its summary line and its peak RSS in KB.
#[allow(
    clippy::zombie_processes,
    reason = "reaped by wait4 below, which also gives its rusage"
)]
fn run_binary(data: &Path, out: &Path) -> (f64, String, i64) {
    let t = Instant::now();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_slant"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["run", "--no-cache", "--data"])
        .arg(data)
        .arg("--out")
        .arg(out)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.unwrap(), &mut stderr).unwrap();
    let mut status = 0;
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child and writes into structs we own.
    let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut ru) };
    assert_eq!(rc, pid);
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{stderr}"
    );
    (
        t.elapsed().as_secs_f64(),
        stderr.trim().to_string(),
        ru.ru_maxrss,
    )
}

/// Writes `n` articles as one JSONL file, ids `{tag}-{i}`.
fn write_articles(path: &Path, n: usize, tag: &str, rng: &mut Rng, paras: &[String]) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for i in 0..n {
        let text = article_text(rng, paras);
        let rec = serde_json::json!({"id": format!("{tag}-{i}"), "outlet": format!("Outlet {}", i % 7), "date": format!("2025-01-{:02}", 1 + i % 28), "text": text});
        writeln!(f, "{rec}").unwrap();
    }
}

/// Runs `slant run` quietly; returns seconds.
fn timed_run(data: &Path, lexicons: &Path, out: &Path, cache: Option<&Path>) -> f64 {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_slant"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["run", "--quiet", "--data"])
        .arg(data)
        .arg("--lexicons")
        .arg(lexicons)
        .arg("--out")
        .arg(out);
    match cache {
        Some(d) => c.arg("--cache-dir").arg(d),
        None => c.arg("--no-cache"),
    };
    let t = Instant::now();
    let status = c.status().unwrap();
    assert!(status.success(), "slant run failed");
    t.elapsed().as_secs_f64()
}

fn same_reports(a: &Path, b: &Path) -> bool {
    std::fs::read_dir(a).unwrap().all(|e| {
        let p = e.unwrap().path();
        p.file_name().unwrap() == "run.json"
            || std::fs::read(&p).ok() == std::fs::read(b.join(p.file_name().unwrap())).ok()
    })
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Cold run, warm reruns and the cache's speedups on a 10,000-article corpus.
fn incremental(paras: &[String]) {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let lex = tmp.path().join("lexicons");
    let cache = tmp.path().join("cache");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::create_dir_all(&lex).unwrap();
    for e in std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("lexicons")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, lex.join(p.file_name().unwrap())).unwrap();
    }
    let mut rng = Rng(0xC0FF_EE00_D15E_A5E5);
    for f in 0..20 {
        write_articles(
            &data.join(format!("day-{f:03}.jsonl")),
            500,
            &format!("d{f}"),
            &mut rng,
            paras,
        );
    }
    let out = tmp.path().join("reports");
    let cold_dir = tmp.path().join("cold");
    let check = |what: &str| {
        timed_run(&data, &lex, &cold_dir, None);
        assert!(
            same_reports(&out, &cold_dir),
            "{what}: warm reports differ from a cold run"
        );
    };
    let cold = median(
        (0..3)
            .map(|_| timed_run(&data, &lex, &cold_dir, None))
            .collect(),
    );
    let _ = std::fs::remove_dir_all(&cache);
    let first = timed_run(&data, &lex, &out, Some(&cache));
    let unchanged = median(
        (0..5)
            .map(|_| timed_run(&data, &lex, &out, Some(&cache)))
            .collect(),
    );
    check("unchanged");
    // 1% new articles as a new file, three nights in a row.
    let mut new_file = Vec::new();
    for night in 0..3 {
        write_articles(
            &data.join(format!("new-{night}.jsonl")),
            100,
            &format!("n{night}"),
            &mut rng,
            paras,
        );
        new_file.push(timed_run(&data, &lex, &out, Some(&cache)));
    }
    check("new files");
    // 1% new articles appended to an existing file.
    let mut appended = Vec::new();
    for night in 0..3 {
        let extra = tmp.path().join("extra.jsonl");
        write_articles(&extra, 100, &format!("a{night}"), &mut rng, paras);
        let target = data.join(format!("day-{night:03}.jsonl"));
        let mut text = std::fs::read_to_string(&target).unwrap();
        text.push_str(&std::fs::read_to_string(&extra).unwrap());
        std::fs::write(&target, text).unwrap();
        appended.push(timed_run(&data, &lex, &out, Some(&cache)));
    }
    check("appended");
    // One lexicon line removed.
    let stance = lex.join("stance.tsv");
    let text = std::fs::read_to_string(&stance).unwrap();
    let line = text
        .lines()
        .find(|l| !l.starts_with('#') && l.contains('\t'))
        .unwrap()
        .to_string();
    std::fs::write(&stance, text.replacen(&format!("{line}\n"), "", 1)).unwrap();
    let edited = timed_run(&data, &lex, &out, Some(&cache));
    check("lexicon edit");
    let new_file = median(new_file);
    let appended = median(appended);
    println!("\nIncremental reruns, 10,000 articles (20 JSONL files of 500), median times:");
    println!("  cold run, no cache:                {cold:.3} s");
    println!("  first run, filling the cache:      {first:.3} s");
    println!(
        "  rerun, nothing changed:            {unchanged:.3} s = {:.1}x faster than cold",
        cold / unchanged
    );
    println!(
        "  rerun, +1% articles in a new file: {new_file:.3} s = {:.1}x faster than cold",
        cold / new_file
    );
    println!(
        "  rerun, +1% appended to a file:     {appended:.3} s = {:.1}x faster than cold",
        cold / appended
    );
    println!("  rerun after a lexicon edit:        {edited:.3} s (everything analysed again)");
    println!("  every warm run's reports byte-identical to a cold run's: yes");
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    if std::env::args().any(|a| a == "stages") {
        let mb = std::env::var("SLANT_BENCH_MB")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(200);
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        println!("In memory, sample paragraphs:");
        text_stages(&paragraphs(root.join("data")), mb);
        let seeds = root.join("../shared/seeds");
        if seeds.is_dir() {
            println!("\nIn memory, seed news paragraphs:");
            text_stages(&paragraphs(seeds), mb);
        }
        return;
    }
    if std::env::args().any(|a| a == "incremental") {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let seeds = root.join("../shared/seeds");
        let paras = if seeds.is_dir() {
            paragraphs(seeds)
        } else {
            paragraphs(root.join("data"))
        };
        incremental(&paras);
        return;
    }
    let mb: usize = std::env::var("SLANT_BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let sents = paragraphs(manifest.join("data"));
    let tmp = tempfile::tempdir().unwrap();
    let end_to_end = |label: &str, size: usize, paras: &[String]| {
        let data = tmp.path().join(format!("corpus-{label}-{size}"));
        let bytes = write_corpus(&data, size, paras);
        let (secs, summary, rss) = run_binary(&data, &tmp.path().join(format!("reports-{size}")));
        println!(
            "slant run on {:.1} MB ({label}): {:.2} s = {:.1} MB/s, peak RSS {:.1} MB\n  {summary}",
            bytes as f64 / 1e6,
            secs,
            bytes as f64 / 1e6 / secs,
            rss as f64 / 1024.0
        );
        match std::env::var_os("SLANT_BENCH_KEEP") {
            Some(keep) if size == mb && label == "sample" => std::fs::rename(&data, keep).unwrap(),
            _ => std::fs::remove_dir_all(&data).unwrap(),
        }
    };
    for size in [mb / 4, mb] {
        end_to_end("sample", size, &sents);
    }
    // The five seed news articles, where they are (beside the project, as in CI):
    // real news has about a third of the sample's density of statements.
    let seeds = manifest.join("../shared/seeds");
    let news = if seeds.is_dir() {
        paragraphs(seeds)
    } else {
        println!("(no ../shared/seeds: the news-density corpus is not measured)");
        Vec::new()
    };
    if !news.is_empty() {
        end_to_end("seed news", mb, &news);
    }
    // Last: it holds the whole corpus in memory, which would inflate the children's
    // peak RSS (a spawned child starts out sharing this process's pages).
    println!("\nIn memory, sample paragraphs:");
    text_stages(&sents, mb.min(200));
    if !news.is_empty() {
        println!("\nIn memory, seed news paragraphs:");
        text_stages(&news, mb.min(200));
    }
    incremental(if news.is_empty() { &sents } else { &news });
}
