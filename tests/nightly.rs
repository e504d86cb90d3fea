//! Nightly runs: the cache (warm reruns equal cold runs), the output lock, the config
//! file and `--archive`.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{copy_dir, read, repo, slant};

/// Every report file but run.json (which records times), by name.
fn reports(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.file_name().unwrap() != "run.json")
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

fn run(data: &Path, lexicons: &Path, out: &Path, cache: Option<&Path>) -> serde_json::Value {
    let mut c = slant();
    c.args(["run", "--quiet", "--data"])
        .arg(data)
        .arg("--lexicons")
        .arg(lexicons)
        .arg("--out")
        .arg(out);
    match cache {
        Some(dir) => c.arg("--cache-dir").arg(dir),
        None => c.arg("--no-cache"),
    };
    c.assert().code(0);
    serde_json::from_str(&read(&out.join("run.json"))).unwrap()
}

/// Asserts a cached run over `data` equals a cold one; returns the cached run's json.
fn warm_equals_cold(
    data: &Path,
    lexicons: &Path,
    cache: &Path,
    tmp: &Path,
    tag: &str,
) -> serde_json::Value {
    let warm = tmp.join(format!("warm-{tag}"));
    let cold = tmp.join(format!("cold-{tag}"));
    let info = run(data, lexicons, &warm, Some(cache));
    run(data, lexicons, &cold, None);
    let (w, c) = (reports(&warm), reports(&cold));
    assert_eq!(w.keys().collect::<Vec<_>>(), c.keys().collect::<Vec<_>>());
    for (name, bytes) in &w {
        assert!(
            bytes == &c[name],
            "{tag}: {name} differs between warm and cold runs"
        );
    }
    info
}

#[test]
fn warm_reruns_equal_cold_runs_after_every_kind_of_change() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let lex = t.path().join("lexicons");
    copy_dir(&repo().join("data"), &data);
    copy_dir(&repo().join("lexicons"), &lex);
    let cache = t.path().join("cache");

    let first = warm_equals_cold(&data, &lex, &cache, t.path(), "first");
    assert_eq!(first["counts"]["cached_articles"], 0);

    // Unchanged: every file comes from the cache.
    let again = warm_equals_cold(&data, &lex, &cache, t.path(), "unchanged");
    let files = again["counts"]["files"].as_u64().unwrap();
    assert_eq!(again["counts"]["cached_files"].as_u64().unwrap(), files);
    assert_eq!(
        again["counts"]["cached_articles"],
        again["counts"]["articles"]
    );

    // A new article file and a record appended to an existing JSONL file.
    std::fs::write(
        data.join("late.txt"),
        "Late news\n\nTokyo and Beijing agreed to resume dialogue, officials said on Friday.\n",
    )
    .unwrap();
    let jsonl = std::fs::read_dir(&data)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .expect("the sample has a JSONL file");
    let mut text = read(&jsonl);
    text.push_str("{\"id\": \"appended-1\", \"outlet\": \"Seoul Meridian\", \"date\": \"2025-02-03\", \"text\": \"Seoul welcomed the talks.\\n\\n\\\"We hope for stability,\\\" said Park Ji-won, a professor at Korea University.\"}\n");
    std::fs::write(&jsonl, text).unwrap();
    let grown = warm_equals_cold(&data, &lex, &cache, t.path(), "grown");
    // The unchanged files whole; of the changed JSONL file, all but the new record.
    assert_eq!(grown["counts"]["cached_files"].as_u64().unwrap(), files - 1);
    let articles = grown["counts"]["articles"].as_u64().unwrap();
    assert_eq!(
        grown["counts"]["cached_articles"].as_u64().unwrap(),
        articles - 2
    );

    // One lexicon line edited: everything is analysed again, still equal.
    let stance = lex.join("stance.tsv");
    let s = read(&stance);
    let line = s
        .lines()
        .find(|l| !l.starts_with('#') && !l.trim().is_empty() && l.contains('\t'))
        .unwrap()
        .to_string();
    std::fs::write(&stance, s.replacen(&format!("{line}\n"), "", 1)).unwrap();
    let edited = warm_equals_cold(&data, &lex, &cache, t.path(), "lexicon");
    assert_eq!(edited["counts"]["cached_articles"], 0);
    // A comment added to a lexicon invalidates nothing.
    std::fs::write(&stance, format!("# tuned today\n{}", read(&stance))).unwrap();
    let commented = warm_equals_cold(&data, &lex, &cache, t.path(), "comment");
    assert_eq!(
        commented["counts"]["cached_articles"],
        commented["counts"]["articles"]
    );
}

#[test]
fn a_second_run_on_the_same_output_exits_1_naming_the_first() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("reports");
    // Hold the lock as a running slant would.
    let _held = slant::lock::OutputLock::acquire(&out).unwrap();
    let assert = slant()
        .args(["run", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .code(1);
    let err = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(err.contains("in use by another slant run"), "{err}");
    assert!(
        err.contains(&format!("pid {}", std::process::id())),
        "{err}"
    );
    assert!(!out.exists(), "no reports were written");
}

#[test]
fn two_runs_started_at_once_one_proceeds_one_exits_1() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("reports");
    let bin = assert_cmd::cargo::cargo_bin("slant");
    let spawn = || {
        std::process::Command::new(&bin)
            .current_dir(repo())
            .args(["run", "--quiet", "--no-cache", "--out"])
            .arg(&out)
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let mut codes = [
        a.wait_with_output().unwrap().status.code(),
        b.wait_with_output().unwrap().status.code(),
    ];
    codes.sort();
    // Either they overlapped (one refused) or the first finished before the second
    // started (both fine); never a failure of another kind.
    assert!(
        codes == [Some(0), Some(1)] || codes == [Some(0), Some(0)],
        "{codes:?}"
    );
    assert!(out.join("articles.csv").is_file());
    let (h, rows) = common::csv_rows(&out.join("articles.csv"));
    assert!(h.len() > 10 && rows.len() >= 15, "whole reports");
}

#[test]
fn config_file_sets_options_flags_override_and_typos_name_the_line() {
    let t = tempfile::tempdir().unwrap();
    let cfg = t.path().join("nightly.toml");
    std::fs::write(
        &cfg,
        format!(
            "data = \"{}\"\nout = \"out\"\nperiod = \"month\"\n\n[cluster]\nk = 2\n",
            repo().join("data").display()
        ),
    )
    .unwrap();
    slant()
        .args(["run", "--quiet", "--no-cache", "--config"])
        .arg(&cfg)
        .assert()
        .code(0);
    let out = t.path().join("out");
    let run: serde_json::Value = serde_json::from_str(&read(&out.join("run.json"))).unwrap();
    assert_eq!(run["options"]["period"], "month");
    assert_eq!(run["options"]["k"], 2);
    // A flag wins over the file.
    slant()
        .args([
            "run",
            "--quiet",
            "--no-cache",
            "--period",
            "day",
            "--config",
        ])
        .arg(&cfg)
        .assert()
        .code(0);
    let run: serde_json::Value = serde_json::from_str(&read(&out.join("run.json"))).unwrap();
    assert_eq!(run["options"]["period"], "day");
    std::fs::write(&cfg, "out = \"out\"\nperiod = \"month\"\ncluser = 3\n").unwrap();
    let a = slant()
        .args(["run", "--quiet", "--config"])
        .arg(&cfg)
        .assert()
        .code(1);
    let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    assert!(
        err.contains("nightly.toml:3:") && err.contains("cluser"),
        "{err}"
    );
}

#[test]
fn archive_keeps_every_runs_reports_in_history() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("reports");
    for _ in 0..2 {
        slant()
            .args(["run", "--quiet", "--archive", "--out"])
            .arg(&out)
            .arg("--cache-dir")
            .arg(t.path().join("cache"))
            .assert()
            .code(0);
    }
    let runs: Vec<_> = std::fs::read_dir(out.join("history"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(runs.len(), 2, "{runs:?}");
    for r in &runs {
        assert_eq!(
            std::fs::read(r.join("outlets.csv")).unwrap(),
            std::fs::read(out.join("outlets.csv")).unwrap()
        );
        assert!(r.join("run.json").is_file());
    }
}

#[test]
fn an_unusable_cache_folder_is_a_warning_and_the_run_goes_on_cold() {
    let t = tempfile::tempdir().unwrap();
    let file = t.path().join("not-a-folder");
    std::fs::write(&file, "x").unwrap();
    let a = slant()
        .args(["run", "--out"])
        .arg(t.path().join("r"))
        .arg("--cache-dir")
        .arg(file.join("cache"))
        .assert()
        .code(0);
    let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    assert!(err.contains("warning: running without the cache"), "{err}");
    assert!(t.path().join("r/articles.csv").is_file());
}
