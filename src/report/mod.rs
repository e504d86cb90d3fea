//! Report: the last stage, writing CSV files and `run.json` into a staging folder.
//!
//! This module is the one place that builds CSV writers ([`Table`]) and turns values into
//! cells ([`Row`]), so every report shares the same spreadsheet rules: UTF-8, one header
//! row, RFC 4180 quoting, fixed decimals, an empty cell for a missing or non-finite
//! number, and text cells that start with `=`, `+`, `-` or `@` prefixed with `'` so a
//! spreadsheet never runs them as formulas. Column lists are declared once per report
//! ([`Column`]) and feed both the header row and the generated data dictionary.

pub mod articles;
pub mod clusters;
pub mod dictionary;
pub mod outlets;
pub mod output;
pub mod periods;
pub mod quotes;
pub mod rejects;
pub mod run_json;
pub mod terms;
pub mod xlsx;

use std::borrow::Cow;
use std::fmt::Write as _;
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use crate::error::Error;

pub use output::Staging;

/// A report column: its name (a contract: never renamed or reordered) and meaning.
#[derive(Debug, Clone)]
pub struct Column {
    pub name: Cow<'static, str>,
    pub meaning: Cow<'static, str>,
}

/// Shorthand for declaring fixed column lists.
pub const fn col(name: &'static str, meaning: &'static str) -> Column {
    Column {
        name: Cow::Borrowed(name),
        meaning: Cow::Borrowed(meaning),
    }
}

/// A column whose name depends on the lexicons (a stance axis, frame or target).
pub fn dyn_col(name: String, meaning: String) -> Column {
    Column {
        name: Cow::Owned(name),
        meaning: Cow::Owned(meaning),
    }
}

/// A lexicon category as a column-name part: lowercase ASCII letters, digits and `_`.
pub fn slug(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').to_string()
}

/// Whether a spreadsheet would read the text as a formula (it then gets a `'`).
fn needs_guard(s: &str) -> bool {
    matches!(
        s.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    )
}

/// The text a guarded cell stands for.
pub fn unguard(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => s,
    }
}

/// One CSV row under construction, built with typed cells.
///
/// Cells are kept in one buffer (with their end offsets) rather than one `String`
/// each: a quote-dense corpus makes hundreds of thousands of rows, and encoding them
/// is on the workers' hot path.
#[derive(Debug, Default, Clone)]
pub struct Row {
    buf: String,
    ends: Vec<usize>,
}

impl Row {
    pub fn new() -> Row {
        Row {
            buf: String::with_capacity(256),
            ends: Vec::with_capacity(32),
        }
    }

    fn end_cell(&mut self) -> &mut Row {
        self.ends.push(self.buf.len());
        self
    }

    pub fn text(&mut self, s: &str) -> &mut Row {
        if needs_guard(s) {
            self.buf.push('\'');
        }
        self.buf.push_str(s);
        self.end_cell()
    }

    pub fn opt_text(&mut self, s: Option<&str>) -> &mut Row {
        self.text(s.unwrap_or(""))
    }

    pub fn int(&mut self, v: impl Into<i128>) -> &mut Row {
        let v = v.into();
        // 64-bit formatting is several times faster than 128-bit.
        let _ = match i64::try_from(v) {
            Ok(small) => write!(self.buf, "{small}"),
            Err(_) => write!(self.buf, "{v}"),
        };
        self.end_cell()
    }

    pub fn opt_int(&mut self, v: Option<impl Into<i128>>) -> &mut Row {
        match v {
            Some(v) => self.int(v),
            None => self.text(""),
        }
    }

    /// A number with a fixed number of decimals; NaN and infinities become empty cells
    /// and negative zero is written as zero.
    pub fn float(&mut self, v: f64, decimals: usize) -> &mut Row {
        if v.is_finite() {
            let start = self.buf.len();
            if !fixed_fast(&mut self.buf, v, decimals) {
                let _ = write!(self.buf, "{v:.decimals$}");
            }
            let cell = &self.buf[start..];
            if cell.starts_with('-') && cell[1..].bytes().all(|b| b == b'0' || b == b'.') {
                self.buf.remove(start);
            }
        }
        self.end_cell()
    }

    pub fn opt_float(&mut self, v: Option<f64>, decimals: usize) -> &mut Row {
        self.float(v.unwrap_or(f64::NAN), decimals)
    }

    /// A cell already made safe (read back from a staged report).
    pub fn raw(&mut self, s: &str) -> &mut Row {
        self.buf.push_str(s);
        self.end_cell()
    }

    /// The cells as they will be written.
    pub fn cells(&self) -> Vec<&str> {
        let mut start = 0;
        self.ends
            .iter()
            .map(|&e| {
                let c = &self.buf[start..e];
                start = e;
                c
            })
            .collect()
    }
}

/// Writes `v` with `decimals` decimals through integer arithmetic, the same text as
/// `format!("{v:.decimals$}")`, when that is certain; returns false (writing nothing)
/// when `v` is too large or too close to a rounding tie for the shortcut to be exact.
/// Formatting floats exactly is slow and every statement row has several.
fn fixed_fast(out: &mut String, v: f64, decimals: usize) -> bool {
    const POW10: [f64; 7] = [1.0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6];
    if decimals >= POW10.len() {
        return false;
    }
    let scaled = v * POW10[decimals];
    // Below 1e9 the product is off by less than 1e-6, so a fraction that far from .5
    // rounds the same way as the exact decimal value would.
    if scaled.abs() >= 1e9 || ((scaled.abs().fract() - 0.5).abs() < 1e-6) {
        return false;
    }
    let r = scaled.round() as i64;
    if r < 0 || (r == 0 && v.is_sign_negative()) {
        out.push('-');
    }
    let digits = r.unsigned_abs().to_string();
    if decimals == 0 {
        out.push_str(&digits);
        return true;
    }
    if digits.len() <= decimals {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', decimals - digits.len()));
        out.push_str(&digits);
    } else {
        let (int, frac) = digits.split_at(digits.len() - decimals);
        out.push_str(int);
        out.push('.');
        out.push_str(frac);
    }
    true
}

/// A CSV report being written.
pub struct Table {
    path: PathBuf,
    out: BufWriter<File>,
    width: usize,
    rows: u64,
}

/// A row already encoded as one CSV record (CRLF-terminated), so that encoding can
/// happen on worker threads and the writer only copies bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Encoded {
    #[serde(with = "serde_bytes")]
    bytes: Vec<u8>,
    width: usize,
}

impl Encoded {
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

impl Row {
    /// Encodes the row as one RFC 4180 CSV record.
    pub fn encode(&self) -> Encoded {
        let mut bytes = Vec::with_capacity(self.buf.len() + 2 * self.ends.len() + 2);
        encode_into(&mut bytes, self.cells().into_iter().map(str::as_bytes));
        Encoded {
            bytes,
            width: self.ends.len(),
        }
    }

    /// Appends the cells as CSV fields, without a record terminator: a piece of a
    /// record that is completed later (see `report::quotes`).
    pub fn encode_fields(&self, out: &mut Vec<u8>) {
        for (i, c) in self.cells().into_iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            encode_field(out, c.as_bytes());
        }
    }

    pub fn width(&self) -> usize {
        self.ends.len()
    }
}

fn encode_field(out: &mut Vec<u8>, c: &[u8]) {
    // Every byte of the four is below 0x2D, so one comparison rules most bytes out.
    if c.iter()
        .any(|&b| b < 0x2D && matches!(b, b',' | b'"' | b'\r' | b'\n'))
    {
        out.push(b'"');
        for &b in c {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(c);
    }
}

/// Appends one CSV record: fields quoted only when they hold a delimiter, quote or line
/// break (quotes doubled), CRLF-terminated, as RFC 4180 and the `csv` crate read it.
fn encode_into<'a>(out: &mut Vec<u8>, cells: impl Iterator<Item = &'a [u8]>) {
    let mut n = 0;
    let mut only_empty = true;
    for (i, c) in cells.enumerate() {
        n += 1;
        only_empty &= c.is_empty();
        if i > 0 {
            out.push(b',');
        }
        encode_field(out, c);
    }
    // A record of one empty field would read back as a blank line.
    if n == 1 && only_empty {
        out.extend_from_slice(b"\"\"");
    }
    out.extend_from_slice(b"\r\n");
}

impl Table {
    /// Creates the CSV file `path` (a file the user named, as with `--csv FILE`).
    pub fn create_at(path: &Path, columns: &[Column]) -> Result<Table, Error> {
        let (dir, name) = output::beside(path);
        if path.file_name().is_none() {
            return Err(Error::Usage(format!("{}: not a file name", path.display())));
        }
        Table::create(&dir, &name, columns)
    }

    /// Creates `dir/name` and writes the header row.
    pub fn create(dir: &Path, name: &str, columns: &[Column]) -> Result<Table, Error> {
        let path = dir.join(name);
        let file = File::create(&path).map_err(|e| Error::Output {
            path: path.clone(),
            source: e,
        })?;
        let mut t = Table {
            path,
            out: BufWriter::with_capacity(1 << 16, file),
            width: columns.len(),
            rows: 0,
        };
        let mut header = Vec::new();
        encode_into(&mut header, columns.iter().map(|c| c.name.as_bytes()));
        t.write_bytes(&header)?;
        Ok(t)
    }

    fn write_bytes(&mut self, b: &[u8]) -> Result<(), Error> {
        use std::io::Write;
        self.out.write_all(b).map_err(|e| Error::Output {
            path: self.path.clone(),
            source: e,
        })
    }

    pub fn row(&mut self, row: &Row) -> Result<(), Error> {
        self.encoded(&row.encode())
    }

    /// Writes a row encoded elsewhere (see [`Row::encode`]).
    pub fn encoded(&mut self, row: &Encoded) -> Result<(), Error> {
        debug_assert_eq!(
            row.width,
            self.width,
            "row width of {}",
            self.path.display()
        );
        self.rows += 1;
        self.write_bytes(&row.bytes)
    }

    /// Writes `rows` records already encoded and concatenated (from the cache).
    pub fn append(&mut self, bytes: &[u8], rows: u64) -> Result<(), Error> {
        self.rows += rows;
        self.write_bytes(bytes)
    }

    /// Writes one record given as consecutive byte pieces that together form a full
    /// CSV record, terminator included.
    pub fn record_parts(&mut self, parts: &[&[u8]]) -> Result<(), Error> {
        self.rows += 1;
        for p in parts {
            self.write_bytes(p)?;
        }
        Ok(())
    }

    pub fn finish(mut self) -> Result<u64, Error> {
        use std::io::Write;
        self.out.flush().map_err(|e| Error::Output {
            path: self.path.clone(),
            source: e,
        })?;
        Ok(self.rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_fixed_formatting_matches_std() {
        let mut rng = 0x2545_F491_4F6C_DD1Du64;
        let mut next = || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        let mut values = vec![0.0, -0.0, 0.5, -0.5, 0.00005, -0.00005, 0.12345, 1e8, -1e-9];
        for _ in 0..200_000 {
            let bits = next();
            // Mostly scores in -1..1, some wider, some exact ties at 4 decimals.
            let v = match bits % 4 {
                0 => (bits >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0,
                1 => ((bits >> 11) as f64 / (1u64 << 53) as f64 - 0.5) * 2e6,
                2 => ((bits >> 20) % 200_001) as f64 / 1e5 - 1.0,
                _ => ((bits >> 20) % 20_001) as f64 / 2e4 - 0.5,
            };
            values.push(v);
        }
        for v in values {
            for d in [0, 1, 2, 3, 4, 6] {
                let mut fast = Row::new();
                fast.float(v, d);
                let mut want = format!("{v:.d$}");
                if want.starts_with('-') && want[1..].bytes().all(|b| b == b'0' || b == b'.') {
                    want.remove(0);
                }
                assert_eq!(fast.cells(), [want.as_str()], "{v} with {d} decimals");
            }
        }
    }

    #[test]
    fn formulas_are_guarded_numbers_are_not() {
        let mut r = Row::new();
        r.text("=SUM(A1)")
            .text("+1")
            .text("-x")
            .text("@me")
            .text("ok")
            .float(-0.5, 3)
            .int(-3)
            .float(f64::NAN, 2)
            .float(-0.0001, 2);
        assert_eq!(
            r.cells(),
            [
                "'=SUM(A1)",
                "'+1",
                "'-x",
                "'@me",
                "ok",
                "-0.500",
                "-3",
                "",
                "0.00"
            ]
        );
    }

    #[test]
    fn slugs_for_column_names() {
        assert_eq!(slug("United States"), "united_states");
        assert_eq!(slug("Security & Defense"), "security_defense");
    }

    #[test]
    fn table_quotes_per_rfc4180() {
        let d = tempfile::tempdir().unwrap();
        let mut t = Table::create(d.path(), "t.csv", &[col("a", ""), col("b", "")]).unwrap();
        t.row(Row::new().text("x, \"y\"").text("line\nbreak"))
            .unwrap();
        t.finish().unwrap();
        let s = std::fs::read_to_string(d.path().join("t.csv")).unwrap();
        assert_eq!(s, "a,b\r\n\"x, \"\"y\"\"\",\"line\nbreak\"\r\n");
    }
}

/// Every CSV report of a run, in the order of the data dictionary.
pub fn csv_files() -> Vec<&'static str> {
    vec![
        articles::FILE,
        quotes::FILE,
        quotes::SPEAKERS_FILE,
        outlets::FILE,
        outlets::FRAMES_FILE,
        outlets::LONG_FILE,
        outlets::PAIRS_FILE,
        periods::FILE,
        clusters::FILE,
        clusters::PROFILES_FILE,
        terms::FILE,
        rejects::FILE,
    ]
}

/// What clustering did, for `run.json`.
#[derive(Debug, Clone, Default, serde::Serialize, PartialEq)]
pub struct ClusterSummary {
    pub level: String,
    pub items: usize,
    pub k: Option<usize>,
    pub silhouette: Option<f64>,
    pub note: Option<String>,
}

/// The finalize step: clusters the aggregates and writes every report made from them
/// (`outlets.csv`, `frames.csv`, `metrics_long.csv`, `outlet_speakers.csv`,
/// `periods.csv`, `speakers.csv`, `clusters.csv`, `cluster_profiles.csv`).
pub fn finalize(
    dir: &Path,
    lex: &crate::lexicon::Lexicons,
    agg: &mut crate::aggregate::Aggregates,
    params: &crate::cluster::ClusterParams,
    cache: Option<(&crate::cache::Cache, &mut rustc_hash::FxHashSet<u128>)>,
) -> Result<Vec<ClusterSummary>, Error> {
    use crate::aggregate::{feature_names, outlet_point, speaker_point};
    use crate::cluster::{Outcome, cluster};
    use std::collections::BTreeMap;

    agg.finalize_order();
    let outlet_points = agg
        .outlets
        .iter()
        .map(|(name, m)| outlet_point(name, m, &agg.outlet_quotes(name).0))
        .collect();
    let speaker_points: Vec<_> = agg
        .speakers
        .iter()
        .filter(|(_, s)| s.quotes >= params.min_statements())
        .map(|(k, s)| speaker_point(k, s))
        .collect();
    let levels = [
        ("article", std::mem::take(&mut agg.articles)),
        ("speaker", speaker_points),
        ("outlet", outlet_points),
    ];
    let mut done = Vec::new();
    let mut summaries = Vec::new();
    let mut by_level: BTreeMap<&str, BTreeMap<String, usize>> = BTreeMap::new();
    let mut cache = cache;
    for (level, mut points) in levels {
        let items = points.len();
        let features = feature_names(lex, level);
        // Sorted here so that the cache key does not depend on input order.
        points.sort_by(|a, b| a.id.cmp(&b.id));
        let key = cache
            .as_ref()
            .map(|(c, _)| c.cluster_key(level, &features, &points, params));
        let memo = cache
            .as_ref()
            .zip(key)
            .and_then(|((c, _), k)| c.clustering(k));
        let outcome = match memo {
            Some(o) => o,
            None => {
                let o = cluster(level, features, points, params);
                if let (Some((c, _)), Some(k)) = (&cache, key) {
                    c.put(k, &o);
                }
                o
            }
        };
        if let (Some((_, used)), Some(k)) = (&mut cache, key) {
            used.insert(k);
        }
        match outcome {
            Outcome::Done(c) => {
                summaries.push(ClusterSummary {
                    level: level.into(),
                    items,
                    k: Some(c.k),
                    silhouette: c.silhouette.map(|s| (s * 1e4).round() / 1e4),
                    note: None,
                });
                by_level.insert(
                    level,
                    c.assignments
                        .iter()
                        .map(|a| (a.id.clone(), a.cluster))
                        .collect(),
                );
                done.push(c);
            }
            Outcome::Skipped { note, .. } => summaries.push(ClusterSummary {
                level: level.into(),
                items,
                note: Some(note),
                ..ClusterSummary::default()
            }),
        }
    }
    let empty = BTreeMap::new();
    outlets::write(dir, lex, agg, by_level.get("outlet").unwrap_or(&empty))?;
    periods::write(dir, lex, agg)?;
    quotes::write_speakers(dir, lex, agg, by_level.get("speaker").unwrap_or(&empty))?;
    let names: BTreeMap<String, String> = agg
        .speakers
        .iter()
        .map(|(k, s)| (k.clone(), s.name()))
        .collect();
    clusters::write(dir, &done, &names)?;
    Ok(summaries)
}
