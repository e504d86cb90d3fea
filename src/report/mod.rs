//! Report: the last stage, writing CSV files and `run.json` into a staging folder.
//!
//! This module is the one place that builds CSV writers ([`Table`]) and turns values into
//! cells ([`Row`]), so every report shares the same spreadsheet rules: UTF-8, one header
//! row, RFC 4180 quoting, fixed decimals, an empty cell for a missing or non-finite
//! number, and text cells that start with `=`, `+`, `-` or `@` prefixed with `'` so a
//! spreadsheet never runs them as formulas. Column lists are declared once per report
//! ([`Column`]) and feed both the header row and the generated data dictionary.

pub mod articles;
pub mod dictionary;
pub mod output;
pub mod quotes;
pub mod rejects;
pub mod run_json;
pub mod terms;

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

/// Prefixes text that a spreadsheet would read as a formula.
pub fn guard(s: &str) -> Cow<'_, str> {
    match s.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => Cow::Owned(format!("'{s}")),
        _ => Cow::Borrowed(s),
    }
}

/// The text a guarded cell stands for.
pub fn unguard(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => s,
    }
}

/// One CSV row under construction, built with typed cells.
#[derive(Debug, Default, Clone)]
pub struct Row {
    cells: Vec<String>,
}

impl Row {
    pub fn new() -> Row {
        Row::default()
    }

    pub fn text(&mut self, s: &str) -> &mut Row {
        self.cells.push(guard(s).into_owned());
        self
    }

    pub fn opt_text(&mut self, s: Option<&str>) -> &mut Row {
        self.text(s.unwrap_or(""))
    }

    pub fn int(&mut self, v: impl Into<i128>) -> &mut Row {
        self.cells.push(v.into().to_string());
        self
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
        let mut cell = String::new();
        if v.is_finite() {
            let _ = write!(cell, "{v:.decimals$}");
            if cell.starts_with('-') && cell[1..].bytes().all(|b| b == b'0' || b == b'.') {
                cell.remove(0);
            }
        }
        self.cells.push(cell);
        self
    }

    pub fn opt_float(&mut self, v: Option<f64>, decimals: usize) -> &mut Row {
        self.float(v.unwrap_or(f64::NAN), decimals)
    }

    /// A cell already made safe (read back from a staged report).
    pub fn raw(&mut self, s: &str) -> &mut Row {
        self.cells.push(s.to_string());
        self
    }

    pub fn cells(&self) -> &[String] {
        &self.cells
    }
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
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Encoded {
    bytes: Vec<u8>,
    width: usize,
}

impl Row {
    /// Encodes the row as one RFC 4180 CSV record.
    pub fn encode(&self) -> Encoded {
        encode_cells(self.cells.iter().map(String::as_bytes), self.cells.len())
    }
}

fn encode_cells<'a>(cells: impl Iterator<Item = &'a [u8]>, width: usize) -> Encoded {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::with_capacity(256));
    w.write_record(cells)
        .expect("writing to memory cannot fail");
    Encoded {
        bytes: w.into_inner().expect("flushing to memory cannot fail"),
        width,
    }
}

impl Table {
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
        let header = encode_cells(columns.iter().map(|c| c.name.as_bytes()), columns.len());
        t.write_bytes(&header.bytes)?;
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
