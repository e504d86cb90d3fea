//! CLI integration tests of `slant run`: inputs, rejects, exit codes, atomic reports.

mod common;

use common::*;
use predicates::prelude::*;

#[test]
fn seeds_give_five_rows_and_infer_the_global_times() {
    let out = tempfile::tempdir().unwrap();
    slant()
        .args(["run", "--quiet", "--data"])
        .arg(seeds())
        .arg("--out")
        .arg(out.path().join("r"))
        .assert()
        .code(0)
        .stderr("");
    let (h, rows) = csv_rows(&out.path().join("r/articles.csv"));
    assert_eq!(
        h[..11],
        [
            "article_id",
            "path",
            "outlet",
            "outlet_source",
            "date",
            "title",
            "lang",
            "chars",
            "chars_removed",
            "tokens",
            "sentences"
        ]
    );
    assert_eq!(rows.len(), 5);
    let outlet = |id: &str| {
        let r = rows.iter().find(|r| r[0] == id).unwrap();
        (
            cell(&h, r, "outlet").to_string(),
            cell(&h, r, "outlet_source").to_string(),
        )
    };
    assert_eq!(
        outlet("000_198aea706692622c"),
        ("Global Times".into(), "inferred".into())
    );
    assert_eq!(
        outlet("002_25c877c6326c8c1d"),
        ("Global Times".into(), "inferred".into())
    );
    for id in [
        "001_d0e14aa460656dc1",
        "003_6ebe09e4e1b18a65",
        "004_84871df86e4fa6c3",
    ] {
        assert_eq!(outlet(id), ("unknown".into(), "unknown".into()), "{id}");
    }
    // Boilerplate removed: the comment form, the visit counter and widgets.
    for r in &rows {
        let removed: u64 = cell(&h, r, "chars_removed").parse().unwrap();
        assert!(removed > 0, "{} removed nothing", r[0]);
    }
    let r001 = rows
        .iter()
        .find(|r| r[0] == "001_d0e14aa460656dc1")
        .unwrap();
    assert!(
        cell(&h, r001, "title").starts_with("China and Japan restart"),
        "byline is not the title"
    );
}

#[test]
fn bad_inputs_are_rejected_one_row_each_and_the_rest_analysed() {
    let d = tempfile::tempdir().unwrap();
    let data = d.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::write(data.join("empty.txt"), "").unwrap();
    std::fs::write(
        data.join("binary.txt"),
        [0x7f, b'E', b'L', b'F', 0, 1, 2, 0, 0xff],
    )
    .unwrap();
    std::fs::write(
        data.join("latin1.txt"),
        b"Caf\xe9 talks\n\nThe minister said na\xefve things.\n",
    )
    .unwrap();
    std::fs::write(
        data.join("feed.jsonl"),
        "{\"id\":\"ok1\",\"text\":\"Talks resumed on Monday.\"}\n{\"id\": \"bad\", \"text\": \n{\"id\":\"ok2\",\"text\":\"Both sides agreed.\"}\n",
    )
    .unwrap();
    std::fs::write(
        data.join("good.txt"),
        "A title\n\nThe delegation arrived in Beijing.\n",
    )
    .unwrap();
    let out = d.path().join("reports");
    slant()
        .args(["run", "--quiet", "--data"])
        .arg(&data)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(3)
        .stderr("");
    let (_, rejects) = csv_rows(&out.join("rejects.csv"));
    let got: Vec<(String, String)> = rejects
        .iter()
        .map(|r| {
            (
                std::path::Path::new(&r[0])
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                r[1].clone(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("binary.txt".to_string(), String::new()),
            ("empty.txt".to_string(), String::new()),
            ("feed.jsonl".to_string(), "2".to_string()),
            ("latin1.txt".to_string(), String::new()),
        ]
    );
    assert!(rejects[3][2].contains("not UTF-8"));
    let (_, articles) = csv_rows(&out.join("articles.csv"));
    let ids: Vec<&str> = articles.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(ids, ["ok1", "ok2", "good"]);
}

#[test]
fn thread_counts_give_byte_identical_reports() {
    let d = tempfile::tempdir().unwrap();
    for t in ["1", "2"] {
        slant()
            .args(["run", "--quiet", "--threads", t, "--out"])
            .arg(d.path().join(t))
            .assert()
            .code(0);
    }
    let one = report_files(&d.path().join("1"));
    assert!(one.len() >= 3);
    assert_eq!(one, report_files(&d.path().join("2")));
}

#[test]
fn sample_corpus_articles_snapshot() {
    let d = tempfile::tempdir().unwrap();
    slant()
        .args(["run", "--quiet", "--out"])
        .arg(d.path().join("r"))
        .assert()
        .code(0);
    let (h, rows) = csv_rows(&d.path().join("r/articles.csv"));
    assert!(rows.len() >= 15, "sample corpus has 15-30 articles");
    let outlets: std::collections::BTreeSet<&str> =
        rows.iter().map(|r| cell(&h, r, "outlet")).collect();
    assert!(outlets.len() >= 4, "{outlets:?}");
    assert!(!outlets.contains("unknown"));
    assert_snapshot("data_articles.csv", &read(&d.path().join("r/articles.csv")));
}

#[test]
fn a_failed_run_leaves_previous_reports_untouched() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("reports");
    slant()
        .args(["run", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .code(0);
    let before = report_files(&out);
    let run_json = std::fs::read(out.join("run.json")).unwrap();
    // A fatal error after the output folder was prepared: no input in the data folder.
    let empty = d.path().join("nothing");
    std::fs::create_dir(&empty).unwrap();
    slant()
        .args(["run", "--quiet", "--data"])
        .arg(&empty)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no articles found"));
    assert_eq!(before, report_files(&out));
    assert_eq!(run_json, std::fs::read(out.join("run.json")).unwrap());
}

#[cfg(unix)]
#[test]
fn killing_a_run_midway_leaves_previous_reports_byte_identical() {
    use std::io::Write;
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("reports");
    slant()
        .args(["run", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .code(0);
    let before = report_files(&out);
    let run_json = std::fs::read(out.join("run.json")).unwrap();

    // A corpus big enough to still be running when killed.
    let big = d.path().join("big");
    std::fs::create_dir(&big).unwrap();
    let mut f = std::io::BufWriter::new(std::fs::File::create(big.join("feed.jsonl")).unwrap());
    let para = "The two sides agreed to strengthen dialogue, said Mei Lin, a professor at Coastal University. ".repeat(40);
    for i in 0..30_000 {
        writeln!(f, "{{\"id\":\"a{i}\",\"text\":\"{para}\"}}").unwrap();
    }
    drop(f);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("slant"))
        .current_dir(repo())
        .args(["run", "--quiet", "--threads", "1", "--data"])
        .arg(&big)
        .arg("--out")
        .arg(&out)
        .spawn()
        .unwrap();
    // Wait until the run has started writing into its staging folder, then kill it.
    let started = std::time::Instant::now();
    loop {
        let staging = std::fs::read_dir(d.path())
            .unwrap()
            .filter_map(Result::ok)
            .find(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with(".reports.slant-tmp.")
            });
        if let Some(s) = staging
            && std::fs::metadata(s.path().join("articles.csv")).is_ok_and(|m| m.len() > 100_000)
        {
            break;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "run finished before it could be killed"
        );
        assert!(started.elapsed().as_secs() < 60, "run never got going");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(before, report_files(&out));
    assert_eq!(run_json, std::fs::read(out.join("run.json")).unwrap());
    // The next run cleans up the dead run's staging folder.
    slant()
        .args(["run", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .code(0);
    let leftovers: Vec<_> = std::fs::read_dir(d.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains("slant-tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn usage_and_fatal_errors_have_their_exit_codes() {
    slant().args(["run", "--threads", "0"]).assert().code(2);
    slant().args(["run", "--bogus"]).assert().code(2);
    slant()
        .args(["run", "--data", "no/such/dir"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no/such/dir").and(predicate::str::contains("--data")));
    slant().args(["run", "--help"]).assert().code(0).stdout(
        predicate::str::contains("Exit status").and(predicate::str::contains("rejects.csv")),
    );
}

#[test]
fn refuses_an_output_folder_holding_other_files() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("thesis.docx"), "precious").unwrap();
    slant()
        .args(["run", "--quiet", "--out"])
        .arg(d.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("thesis.docx"));
    assert_eq!(read(&d.path().join("thesis.docx")), "precious");
}

#[test]
fn cron_run_prints_one_summary_line() {
    let d = tempfile::tempdir().unwrap();
    let out = slant()
        .args(["run", "--out"])
        .arg(d.path().join("r"))
        .assert()
        .code(0)
        .get_output()
        .clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("slant: ") && err.contains("articles") && err.contains("MB/s"));
    assert!(out.stdout.is_empty());
}

#[test]
fn manifest_overrides_and_reports_bad_rows() {
    let d = tempfile::tempdir().unwrap();
    let data = d.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::write(
        data.join("a.txt"),
        "Title A\n\nExperts told the Global Times that ties improved.\n",
    )
    .unwrap();
    std::fs::write(
        data.join("manifest.csv"),
        "file,outlet,date\na.txt,=Evil Outlet,2025-01-14\nzzz.txt,X,2025-01-01\n",
    )
    .unwrap();
    let out = d.path().join("r");
    slant()
        .args(["run", "--quiet", "--data"])
        .arg(&data)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(3);
    let (h, rows) = csv_rows(&out.join("articles.csv"));
    assert_eq!(
        cell(&h, &rows[0], "outlet"),
        "'=Evil Outlet",
        "formula guarded"
    );
    assert_eq!(cell(&h, &rows[0], "outlet_source"), "manifest");
    assert_eq!(cell(&h, &rows[0], "date"), "2025-01-14");
    let (_, rejects) = csv_rows(&out.join("rejects.csv"));
    assert_eq!(rejects.len(), 1);
    assert_eq!(rejects[0][1], "3");
}

#[test]
fn quotes_command_prints_an_articles_statements() {
    let seed = seeds().join("000_198aea706692622c.txt");
    slant().arg("quotes").arg(&seed).assert().code(0).stdout(
        predicate::str::contains("Lü Chao (expert")
            .and(predicate::str::contains("Guo Jiakun (official")),
    );
    slant()
        .args(["quotes", "no/such/file.txt"])
        .assert()
        .code(1);
}
