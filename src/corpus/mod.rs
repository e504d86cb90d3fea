//! Corpus: the first stages of the pipeline (discover → load → clean).
//!
//! [`discover`] turns `--data` paths into a sorted list of input files and their
//! manifests; [`load`] streams articles out of those files one at a time (a JSONL or CSV
//! file may hold millions), sending broken inputs to the reject list instead of stopping;
//! [`clean`] finds web boilerplate and returns the byte ranges of prose to keep, so that
//! later stages keep offsets into the original text; [`outlet`] infers an outlet from an
//! article's own wording when metadata does not name one.

pub mod clean;
pub mod discover;
pub mod load;
pub mod manifest;
pub mod outlet;

pub use discover::{Discovered, InputFile, discover};
pub use load::{Item, Limits, Source};
pub use manifest::Manifest;

/// The kind of input file, from its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `.txt`: first non-empty line is the title, the rest the body.
    Text,
    /// `.md`: as `.txt`, with a leading `#` stripped from the title.
    Markdown,
    /// `.jsonl`: one article per line.
    Jsonl,
    /// `.csv` with a `text` column.
    Csv,
}

impl Format {
    pub fn from_extension(ext: &str) -> Option<Format> {
        match ext.to_ascii_lowercase().as_str() {
            "txt" | "text" => Some(Format::Text),
            "md" | "markdown" => Some(Format::Markdown),
            "jsonl" | "ndjson" => Some(Format::Jsonl),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }

    /// Whether the first line of the text is the article's title.
    pub fn has_title_line(self) -> bool {
        matches!(self, Format::Text | Format::Markdown)
    }
}

/// Where an article's outlet came from (the `outlet_source` column).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum OutletSource {
    Manifest,
    Field,
    Inferred,
    Unknown,
}

impl OutletSource {
    pub fn as_str(self) -> &'static str {
        match self {
            OutletSource::Manifest => "manifest",
            OutletSource::Field => "field",
            OutletSource::Inferred => "inferred",
            OutletSource::Unknown => "unknown",
        }
    }
}

/// Article metadata as given by a manifest row or by JSONL/CSV fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Meta {
    pub outlet: Option<String>,
    pub date: Option<String>,
    pub title: Option<String>,
    pub url: Option<String>,
    pub lang: Option<String>,
}

impl Meta {
    /// Fields set in `over` replace those in `self`.
    pub fn overridden_by(mut self, over: &Meta) -> Meta {
        fn pick(a: &mut Option<String>, b: &Option<String>) {
            if b.is_some() {
                a.clone_from(b);
            }
        }
        pick(&mut self.outlet, &over.outlet);
        pick(&mut self.date, &over.date);
        pick(&mut self.title, &over.title);
        pick(&mut self.url, &over.url);
        pick(&mut self.lang, &over.lang);
        self
    }
}

/// One article as loaded: original text plus metadata, before any analysis.
#[derive(Debug, Clone)]
pub struct Article {
    pub id: String,
    /// The input file, as discovered.
    pub path: String,
    /// 1-based line of the record for JSONL/CSV inputs.
    pub line: Option<u64>,
    pub format: Format,
    /// The original text (whole file, or the `text` field), BOM removed. All byte
    /// offsets in reports point into this string.
    pub text: String,
    pub meta: Meta,
    /// `Manifest` or `Field` when `meta.outlet` came from there; `Unknown` otherwise
    /// (analysis may then infer one).
    pub outlet_source: OutletSource,
}

/// Normalizes a date to ISO `YYYY-MM-DD`. Accepts `YYYY-MM-DD`, `YYYY/MM/DD`, `YYYY.MM.DD`
/// and ISO date-times (`2025-01-14T09:00:00Z`, `2025-01-14 09:00`).
pub fn normalize_date(raw: &str) -> Option<String> {
    let s = raw.trim();
    let head = s.get(..10)?;
    let rest = &s[10..];
    if !(rest.is_empty() || rest.starts_with('T') || rest.starts_with(' ')) {
        return None;
    }
    let b = head.as_bytes();
    let sep = b[4];
    if !matches!(sep, b'-' | b'/' | b'.') || b[7] != sep {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let t = &head[r];
        if t.bytes().all(|c| c.is_ascii_digit()) {
            t.parse().ok()
        } else {
            None
        }
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    chrono::NaiveDate::from_ymd_opt(y as i32, m, d)?;
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

/// Empty or whitespace-only strings become `None`.
pub fn non_empty(s: Option<String>) -> Option<String> {
    s.map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_normalize_to_iso() {
        assert_eq!(normalize_date("2025-01-14").as_deref(), Some("2025-01-14"));
        assert_eq!(normalize_date("2025/01/14").as_deref(), Some("2025-01-14"));
        assert_eq!(
            normalize_date("2025-01-14T09:30:00Z").as_deref(),
            Some("2025-01-14")
        );
        assert_eq!(
            normalize_date(" 2025-01-14 09:30 ").as_deref(),
            Some("2025-01-14")
        );
        assert_eq!(normalize_date("2025-02-30"), None);
        assert_eq!(normalize_date("14/01/2025"), None);
        assert_eq!(normalize_date("2025-01-14x"), None);
        assert_eq!(normalize_date("Jan 14"), None);
    }

    #[test]
    fn manifest_meta_overrides_field_meta() {
        let field = Meta {
            outlet: Some("A".into()),
            date: Some("2025-01-01".into()),
            ..Meta::default()
        };
        let over = Meta {
            outlet: Some("B".into()),
            ..Meta::default()
        };
        let m = field.overridden_by(&over);
        assert_eq!(m.outlet.as_deref(), Some("B"));
        assert_eq!(m.date.as_deref(), Some("2025-01-01"));
    }
}
