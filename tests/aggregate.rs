//! Aggregate reports: files and columns, outlets.csv recomputed from the per-row
//! files, the merge property, and clustering parameters.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{csv_rows, read, repo, seeds, slant};
use slant::aggregate::{Aggregates, Period};
use slant::analyze::{ArticleResult, analyze};
use slant::cluster::ClusterParams;
use slant::corpus::{Item, Limits, Manifest, Source, discover};
use slant::lexicon::Lexicons;

fn run_on(data: &Path, out: &Path) {
    slant()
        .args(["run", "--quiet", "--data"])
        .arg(data)
        .arg("--out")
        .arg(out)
        .assert()
        .code(0);
}

fn col(h: &[String], name: &str) -> usize {
    h.iter()
        .position(|c| c == name)
        .unwrap_or_else(|| panic!("no column {name} in {h:?}"))
}

fn num(s: &str) -> f64 {
    s.parse().unwrap_or_else(|_| panic!("not a number: {s:?}"))
}

const FILES: [(&str, &[&str]); 8] = [
    (
        "outlets.csv",
        &[
            "outlet",
            "articles",
            "tokens",
            "sentiment",
            "sentiment_ci_low",
            "sentiment_ci_high",
            "primary_frame",
            "quotes_expert",
            "experts",
            "officials",
            "expert_share",
            "cluster",
        ],
    ),
    (
        "outlet_speakers.csv",
        &["outlet", "speaker", "role", "quotes", "articles"],
    ),
    (
        "frames.csv",
        &["outlet", "frame", "hits", "share", "per_1k_tokens"],
    ),
    ("metrics_long.csv", &["outlet", "metric", "value"]),
    (
        "periods.csv",
        &["outlet", "period", "articles", "sentiment"],
    ),
    (
        "speakers.csv",
        &[
            "speaker",
            "role",
            "affiliation",
            "articles",
            "outlets",
            "quotes",
            "sentiment",
            "primary_frame",
            "outlet_list",
            "cluster",
        ],
    ),
    (
        "clusters.csv",
        &["level", "id", "cluster", "distance", "pc1", "pc2"],
    ),
    (
        "cluster_profiles.csv",
        &[
            "level",
            "cluster",
            "size",
            "feature",
            "centroid",
            "overall_mean",
            "difference_sd",
            "rank",
        ],
    ),
];

fn check_files(out: &Path) {
    for (file, cols) in FILES {
        let (h, _) = csv_rows(&out.join(file));
        for c in cols {
            assert!(h.iter().any(|x| x == c), "{file} lacks {c}: {h:?}");
        }
    }
}

/// Checks outlets.csv against articles.csv and quotes.csv of the same run.
fn check_recomputation(out: &Path) {
    let (ha, arts) = csv_rows(&out.join("articles.csv"));
    let (hq, quotes) = csv_rows(&out.join("quotes.csv"));
    let (ho, outlets) = csv_rows(&out.join("outlets.csv"));
    assert!(!outlets.is_empty());
    let outlet_names: Vec<&str> = outlets.iter().map(|r| r[0].as_str()).collect();
    let mut sorted = outlet_names.clone();
    sorted.sort();
    assert_eq!(outlet_names, sorted, "outlets are sorted by name");
    let axes: Vec<String> = ho
        .iter()
        .filter_map(|c| c.strip_suffix("_hits")?.strip_prefix("stance_"))
        .map(str::to_string)
        .collect();
    assert!(!axes.is_empty());
    let frames: Vec<String> = ho
        .iter()
        .filter_map(|c| c.strip_suffix("_share")?.strip_prefix("frame_"))
        .map(str::to_string)
        .collect();
    for o in &outlets {
        let name = &o[0];
        let mine: Vec<&Vec<String>> = arts
            .iter()
            .filter(|r| &r[col(&ha, "outlet")] == name)
            .collect();
        assert_eq!(num(&o[col(&ho, "articles")]) as usize, mine.len(), "{name}");
        let tokens: f64 = mine.iter().map(|r| num(&r[col(&ha, "tokens")])).sum();
        assert_eq!(num(&o[col(&ho, "tokens")]), tokens, "{name}");
        let sents: Vec<f64> = mine
            .iter()
            .map(|r| &r[col(&ha, "sentiment")])
            .filter(|s| !s.is_empty())
            .map(|s| num(s))
            .collect();
        let mean = sents.iter().sum::<f64>() / sents.len() as f64;
        assert!(
            (num(&o[col(&ho, "sentiment")]) - mean).abs() < 2e-4,
            "{name} sentiment"
        );
        for a in &axes {
            let pos: f64 = mine
                .iter()
                .map(|r| num(&r[col(&ha, &format!("stance_{a}_pos"))]))
                .sum();
            let neg: f64 = mine
                .iter()
                .map(|r| num(&r[col(&ha, &format!("stance_{a}_neg"))]))
                .sum();
            let cell = &o[col(&ho, &format!("stance_{a}"))];
            if pos + neg > 0.0 {
                assert!(
                    (num(cell) - (pos - neg) / (pos + neg)).abs() < 2e-3,
                    "{name} {a}"
                );
            } else {
                assert!(cell.is_empty());
            }
            let hits: f64 = mine
                .iter()
                .map(|r| num(&r[col(&ha, &format!("stance_{a}_hits"))]))
                .sum();
            assert_eq!(num(&o[col(&ho, &format!("stance_{a}_hits"))]), hits);
        }
        let frame_hits: Vec<f64> = frames
            .iter()
            .map(|f| {
                mine.iter()
                    .map(|r| num(&r[col(&ha, &format!("frame_{f}"))]))
                    .sum()
            })
            .collect();
        let total: f64 = frame_hits.iter().sum();
        assert_eq!(num(&o[col(&ho, "frame_hits")]), total);
        for (f, h) in frames.iter().zip(&frame_hits) {
            let cell = &o[col(&ho, &format!("frame_{f}_share"))];
            if total > 0.0 {
                assert!((num(cell) - h / total).abs() < 1e-3, "{name} {f}");
            }
        }
        let my_quotes: Vec<&Vec<String>> = quotes
            .iter()
            .filter(|q| &q[col(&hq, "outlet")] == name)
            .collect();
        assert_eq!(num(&o[col(&ho, "quotes")]) as usize, my_quotes.len());
        for role in [
            "expert",
            "official",
            "media",
            "organization",
            "group",
            "other",
        ] {
            let n = my_quotes
                .iter()
                .filter(|q| q[col(&hq, "role")] == role)
                .count();
            assert_eq!(
                num(&o[col(&ho, &format!("quotes_{role}"))]) as usize,
                n,
                "{name} {role}"
            );
        }
        let mut experts: Vec<&str> = my_quotes
            .iter()
            .filter(|q| q[col(&hq, "role")] == "expert")
            .map(|q| q[col(&hq, "speaker")].as_str())
            .collect();
        experts.sort();
        experts.dedup();
        // Spellings of one person may differ between articles; never more experts
        // than distinct spellings.
        assert!(num(&o[col(&ho, "experts")]) as usize <= experts.len());
        assert_eq!(experts.is_empty(), num(&o[col(&ho, "experts")]) == 0.0);
    }
    // metrics_long.csv holds every outlets.csv cell.
    let (_, long) = csv_rows(&out.join("metrics_long.csv"));
    assert_eq!(long.len(), outlets.len() * (ho.len() - 1));
}

#[test]
fn sample_aggregates_exist_and_recompute_from_articles_and_quotes() {
    let d = tempfile::tempdir().unwrap();
    run_on(&repo().join("data"), d.path());
    check_files(d.path());
    check_recomputation(d.path());
    // Every level has enough items in the sample to be clustered.
    let (_, clusters) = csv_rows(&d.path().join("clusters.csv"));
    for level in ["article", "speaker", "outlet"] {
        assert!(
            clusters.iter().any(|r| r[0] == level),
            "{level} not clustered"
        );
    }
    // Dates in the sample fall in ISO weeks of January 2025.
    let (_, periods) = csv_rows(&d.path().join("periods.csv"));
    assert!(periods.iter().any(|r| r[1] == "2025-W03"), "{periods:?}");
}

#[test]
fn seeds_aggregate_global_times_under_one_outlet() {
    let d = tempfile::tempdir().unwrap();
    run_on(&seeds(), d.path());
    check_files(d.path());
    check_recomputation(d.path());
    let (h, outlets) = csv_rows(&d.path().join("outlets.csv"));
    let gt: Vec<&Vec<String>> = outlets
        .iter()
        .filter(|r| r[0].contains("Global Times"))
        .collect();
    assert_eq!(gt.len(), 1, "{outlets:?}");
    assert_eq!(gt[0][col(&h, "articles")], "2");
    // Two outlets are too few to cluster: a note in run.json, not an error.
    let run: serde_json::Value = serde_json::from_str(&read(&d.path().join("run.json"))).unwrap();
    let outlet = run["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["level"] == "outlet")
        .unwrap();
    assert!(outlet["note"].as_str().unwrap().contains("at least 3"));
}

#[test]
fn period_month_and_bad_cluster_parameters() {
    let d = tempfile::tempdir().unwrap();
    slant()
        .args([
            "run", "--quiet", "--period", "month", "--k", "2", "--seed", "7", "--out",
        ])
        .arg(d.path())
        .assert()
        .code(0);
    let (_, periods) = csv_rows(&d.path().join("periods.csv"));
    assert!(
        periods
            .iter()
            .all(|r| r[1] == "2025-01" || r[1] == "undated"),
        "{periods:?}"
    );
    let (_, clusters) = csv_rows(&d.path().join("clusters.csv"));
    assert!(clusters.iter().all(|r| r[2] == "0" || r[2] == "1"));
    slant().args(["run", "--k", "1"]).assert().code(2);
    slant().args(["run", "--period", "year"]).assert().code(2);
    slant()
        .args(["run", "--min-statements", "0"])
        .assert()
        .code(2);
}

fn analysed(dirs: &[PathBuf], lex: &Lexicons) -> Vec<ArticleResult> {
    let found = discover(dirs).unwrap();
    let mut rejects = Vec::new();
    let manifest = Manifest::load(&found.manifests, &mut rejects);
    Source::new(&found.files, &manifest, Limits::default())
        .filter_map(|item| match item {
            Item::Article(a) => analyze(&a, lex).ok(),
            Item::Reject(_) => None,
        })
        .collect()
}

fn finalized(mut agg: Aggregates, lex: &Lexicons) -> BTreeMap<String, String> {
    let d = tempfile::tempdir().unwrap();
    slant::report::finalize(d.path(), lex, &mut agg, &ClusterParams::default(), None).unwrap();
    let mut files = BTreeMap::new();
    for e in std::fs::read_dir(d.path()).unwrap() {
        let p = e.unwrap().path();
        files.insert(
            p.file_name().unwrap().to_string_lossy().into_owned(),
            read(&p),
        );
    }
    files
}

#[test]
fn merged_halves_equal_the_whole_for_every_split() {
    let lex = Lexicons::load_dir(&repo().join("lexicons")).unwrap();
    let mut arts = analysed(&[repo().join("data"), seeds()], &lex);
    assert!(arts.len() >= 20);
    let agg_of = |xs: &[ArticleResult]| {
        let mut a = Aggregates::new(&lex, Period::Week);
        for x in xs {
            a.add(x);
        }
        a
    };
    let whole = agg_of(&arts);
    let whole_files = finalized(whole.clone(), &lex);
    assert!(whole_files.len() >= 7);
    for split in 0..=arts.len() {
        let (a, b) = arts.split_at(split);
        // Both merge orders.
        let mut ab = agg_of(a);
        ab.merge(agg_of(b));
        let mut ba = agg_of(b);
        ba.merge(agg_of(a));
        ab.finalize_order();
        ba.finalize_order();
        let mut w = whole.clone();
        w.finalize_order();
        assert!(ab == w, "split at {split}: A+B differs from the whole");
        assert!(ba == w, "split at {split}: B+A differs from the whole");
    }
    // Three shards in another input order, finalized to files: byte-identical.
    arts.reverse();
    let third = arts.len() / 3;
    let mut m = agg_of(&arts[..third]);
    m.merge(agg_of(&arts[2 * third..]));
    m.merge(agg_of(&arts[third..2 * third]));
    assert_eq!(finalized(m, &lex), whole_files);
}

fn zip_text(path: &Path, name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut s = String::new();
    std::io::Read::read_to_string(&mut z.by_name(name).unwrap(), &mut s).unwrap();
    s
}

#[test]
fn xlsx_workbook_has_every_report_as_a_frozen_sheet_and_is_reproducible() {
    let d = tempfile::tempdir().unwrap();
    for t in ["1", "2"] {
        slant()
            .args(["run", "--quiet", "--xlsx", "--threads", t, "--out"])
            .arg(d.path().join(t))
            .assert()
            .code(0);
    }
    let book = d.path().join("1/slant.xlsx");
    assert_eq!(
        std::fs::read(&book).unwrap(),
        std::fs::read(d.path().join("2/slant.xlsx")).unwrap()
    );
    let wb = zip_text(&book, "xl/workbook.xml");
    for sheet in [
        "articles",
        "quotes",
        "speakers",
        "outlets",
        "frames",
        "metrics_long",
        "outlet_speakers",
        "periods",
        "clusters",
        "cluster_profiles",
        "terms",
        "rejects",
    ] {
        assert!(
            wb.contains(&format!("<sheet name=\"{sheet}\"")),
            "{sheet} missing"
        );
    }
    let outlets = zip_text(&book, "xl/worksheets/sheet4.xml");
    assert!(outlets.contains("state=\"frozen\""));
    // Outlet names are text, article counts numbers.
    assert!(outlets.contains("<t>Harbor Daily</t>"));
    assert!(
        outlets.contains("<c r=\"B2\"><v>"),
        "{}",
        &outlets[..2000.min(outlets.len())]
    );
}
