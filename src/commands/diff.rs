//! `slant diff OLD NEW`: what changed between two report folders.
//!
//! The other half of the tuning loop: after a lexicon edit, run into a second folder
//! and diff. Compares every numeric cell of `outlets.csv` and `speakers.csv` (by outlet
//! and speaker name) and the hits of every term in `terms.csv`, and lists the changes
//! largest first (by relative change, then absolute). Writes the full list as CSV with
//! `--csv FILE` and prints a short summary.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::report::{Column, Row, Table, col, unguard};

pub struct Args {
    pub old: PathBuf,
    pub new: PathBuf,
    pub csv: Option<PathBuf>,
    pub top: usize,
}

/// One changed value.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// `outlet`, `speaker` or `term`.
    pub level: &'static str,
    pub id: String,
    pub metric: String,
    pub old: Option<f64>,
    pub new: Option<f64>,
}

impl Change {
    pub fn delta(&self) -> f64 {
        self.new.unwrap_or(0.0) - self.old.unwrap_or(0.0)
    }

    /// |delta| relative to the larger magnitude; 1 for a value that appeared or went.
    pub fn relative(&self) -> f64 {
        let m = self
            .old
            .unwrap_or(0.0)
            .abs()
            .max(self.new.unwrap_or(0.0).abs());
        if m > 0.0 { self.delta().abs() / m } else { 0.0 }
    }
}

type Table2 = (Vec<String>, Vec<Vec<String>>);

fn read_csv(path: &Path) -> Result<Table2, Error> {
    let mut r = csv::ReaderBuilder::new()
        .from_path(path)
        .map_err(|e| Error::Csv {
            path: path.to_path_buf(),
            message: format!("{e}: is it a slant reports folder?"),
        })?;
    let h = r
        .headers()
        .map_err(|e| Error::Csv {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?
        .iter()
        .map(str::to_string)
        .collect();
    let mut rows = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| Error::Csv {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        rows.push(rec.iter().map(|c| unguard(c).to_string()).collect());
    }
    Ok((h, rows))
}

/// Numeric cells by (row key, column).
fn numbers(t: &Table2, key_col: &str) -> BTreeMap<(String, String), f64> {
    let (h, rows) = t;
    let Some(k) = h.iter().position(|c| c == key_col) else {
        return BTreeMap::new();
    };
    let mut out = BTreeMap::new();
    for r in rows {
        for (i, cell) in r.iter().enumerate() {
            if i == k || h[i] == "cluster" {
                continue;
            }
            if let Ok(v) = cell.parse::<f64>() {
                out.insert((r[k].clone(), h[i].clone()), v);
            }
        }
    }
    out
}

fn compare(
    level: &'static str,
    old: &BTreeMap<(String, String), f64>,
    new: &BTreeMap<(String, String), f64>,
    out: &mut Vec<Change>,
) {
    let keys: BTreeSet<&(String, String)> = old.keys().chain(new.keys()).collect();
    for k in keys {
        let (o, n) = (old.get(k).copied(), new.get(k).copied());
        if o != n {
            out.push(Change {
                level,
                id: k.0.clone(),
                metric: k.1.clone(),
                old: o,
                new: n,
            });
        }
    }
}

fn term_hits(t: &Table2) -> BTreeMap<(String, String), f64> {
    let (h, rows) = t;
    let at = |name: &str| h.iter().position(|c| c == name);
    let (Some(l), Some(c), Some(term), Some(hits)) =
        (at("lexicon"), at("category"), at("term"), at("hits"))
    else {
        return BTreeMap::new();
    };
    rows.iter()
        .filter_map(|r| {
            let v = r[hits].parse::<f64>().ok()?;
            Some((
                (format!("{}/{}/{}", r[l], r[c], r[term]), "hits".to_string()),
                v,
            ))
        })
        .collect()
}

/// Every change between two report folders, largest first.
pub fn changes(old: &Path, new: &Path) -> Result<Vec<Change>, Error> {
    let mut out = Vec::new();
    for (file, level, key) in [
        ("outlets.csv", "outlet", "outlet"),
        ("speakers.csv", "speaker", "speaker"),
    ] {
        let (a, b) = (read_csv(&old.join(file))?, read_csv(&new.join(file))?);
        compare(level, &numbers(&a, key), &numbers(&b, key), &mut out);
    }
    let (a, b) = (
        read_csv(&old.join("terms.csv"))?,
        read_csv(&new.join("terms.csv"))?,
    );
    compare("term", &term_hits(&a), &term_hits(&b), &mut out);
    out.sort_by(|x, y| {
        y.relative()
            .total_cmp(&x.relative())
            .then(y.delta().abs().total_cmp(&x.delta().abs()))
            .then((x.level, &x.id, &x.metric).cmp(&(y.level, &y.id, &y.metric)))
    });
    Ok(out)
}

pub const COLUMNS: &[Column] = &[
    col("level", "outlet, speaker or term"),
    col("id", "Outlet name, speaker name, or lexicon/category/term"),
    col(
        "metric",
        "Column of outlets.csv or speakers.csv, or `hits` for a term",
    ),
    col("old", "Value in the old reports; empty when absent"),
    col("new", "Value in the new reports; empty when absent"),
    col("delta", "new - old (absent counts as 0)"),
    col(
        "relative",
        "|delta| / max(|old|, |new|): 1 when a value appeared or went",
    ),
];

pub fn run(args: Args, out: &mut impl Write) -> Result<(), Error> {
    let all = changes(&args.old, &args.new)?;
    if let Some(path) = &args.csv {
        let mut t = Table::create_at(path, COLUMNS)?;
        for c in &all {
            let mut r = Row::new();
            r.text(c.level)
                .text(&c.id)
                .text(&c.metric)
                .opt_float(c.old, 4)
                .opt_float(c.new, 4)
                .float(c.delta(), 4)
                .float(c.relative(), 4);
            t.row(&r)?;
        }
        t.finish()?;
    }
    let w = |e: std::io::Error| Error::io("stdout", e);
    let count = |l: &str| all.iter().filter(|c| c.level == l).count();
    writeln!(
        out,
        "{} -> {}: {} outlet values, {} speaker values and {} term hit counts changed",
        args.old.display(),
        args.new.display(),
        count("outlet"),
        count("speaker"),
        count("term")
    )
    .map_err(w)?;
    let fmt = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v}"));
    for (level, title) in [
        ("term", "Terms whose hits moved most"),
        ("outlet", "Largest outlet changes"),
        ("speaker", "Largest speaker changes"),
    ] {
        let mut shown: Vec<&Change> = all.iter().filter(|c| c.level == level).collect();
        if shown.is_empty() {
            continue;
        }
        if level == "term" {
            shown.sort_by(|x, y| {
                y.delta()
                    .abs()
                    .total_cmp(&x.delta().abs())
                    .then(x.id.cmp(&y.id))
            });
        }
        writeln!(out, "\n{title}:").map_err(w)?;
        for c in shown.iter().take(args.top) {
            let what = if level == "term" {
                let tag = match (c.old, c.new) {
                    (Some(_), None) => " (removed)",
                    (None, Some(_)) => " (added)",
                    _ => "",
                };
                format!("{}{tag}", c.id)
            } else {
                format!("{} {}", c.id, c.metric)
            };
            writeln!(
                out,
                "  {what}: {} -> {} ({:+.4})",
                fmt(c.old),
                fmt(c.new),
                c.delta()
            )
            .map_err(w)?;
        }
    }
    Ok(())
}
