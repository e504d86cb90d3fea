//! Load: stream articles out of input files, one at a time.
//!
//! [`Source`] is an iterator over [`Item`]s: an article ready for analysis, or a reject
//! naming the file (and line) and why. It holds at most one file's reader open and one
//! record in memory, so a multi-gigabyte JSONL archive is read in constant memory. Text
//! is checked here (size, NUL bytes, UTF-8, emptiness) so that analysis only ever sees
//! valid UTF-8.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};

use serde::Deserialize;

use super::discover::{InputFile, file_id};
use super::{Article, Format, Manifest, Meta, OutletSource, non_empty, normalize_date};
use crate::error::{Reject, RejectReason};

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest article accepted, in bytes of text.
    pub max_article_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_article_bytes: 10 * 1024 * 1024,
        }
    }
}

#[derive(Debug)]
pub enum Item {
    Article(Box<Article>),
    Reject(Reject),
}

impl Item {
    /// Bytes of input this item stands for, for progress and throughput.
    pub fn bytes(&self) -> usize {
        match self {
            Item::Article(a) => a.text.len(),
            Item::Reject(_) => 0,
        }
    }
}

/// Streams the articles of a list of files, in order.
pub struct Source<'a> {
    files: &'a [InputFile],
    manifest: &'a Manifest,
    limits: Limits,
    next_file: usize,
    open: Option<Open>,
}

struct Context {
    path: String,
    stem: String,
    manifest_meta: Option<Meta>,
}

enum Open {
    Jsonl {
        ctx: Context,
        reader: BufReader<File>,
        line: u64,
        buf: Vec<u8>,
    },
    Csv {
        ctx: Context,
        reader: Box<csv::Reader<File>>,
        cols: CsvCols,
        lines: LineCounter,
    },
}

/// Maps byte offsets of CSV records to 1-based line numbers by reading the file a
/// second time, forward only (the csv crate's own line count is off for CRLF files).
struct LineCounter {
    reader: BufReader<File>,
    pos: u64,
    line: u64,
}

impl LineCounter {
    fn line_at(&mut self, byte: u64) -> u64 {
        // With CRLF the csv crate reports a record as starting at the `\n` that ends the
        // line before it, so that byte is counted too.
        let byte = byte + 1;
        while self.pos < byte {
            let Ok(buf) = self.reader.fill_buf() else {
                break;
            };
            if buf.is_empty() {
                break;
            }
            let take = buf.len().min((byte - self.pos) as usize);
            self.line += buf[..take].iter().filter(|&&b| b == b'\n').count() as u64;
            self.pos += take as u64;
            self.reader.consume(take);
        }
        self.line
    }
}

#[derive(Default)]
struct CsvCols {
    id: Option<usize>,
    text: usize,
    outlet: Option<usize>,
    date: Option<usize>,
    title: Option<usize>,
    url: Option<usize>,
    lang: Option<usize>,
}

impl<'a> Source<'a> {
    pub fn new(files: &'a [InputFile], manifest: &'a Manifest, limits: Limits) -> Self {
        Source {
            files,
            manifest,
            limits,
            next_file: 0,
            open: None,
        }
    }

    fn reject(path: &str, line: Option<u64>, reason: RejectReason) -> Item {
        Item::Reject(Reject {
            path: path.to_string(),
            line,
            reason,
        })
    }

    /// Opens the next file: whole-file formats yield their one item at once; record
    /// formats set up a reader and yield nothing yet.
    fn open_file(&mut self, file: &InputFile) -> Option<Item> {
        let path = file.path.display().to_string();
        let ctx = Context {
            path: path.clone(),
            stem: file_id(file),
            manifest_meta: self.manifest.get(&file.path).cloned(),
        };
        match file.format {
            Format::Text | Format::Markdown => Some(self.load_whole(file, ctx)),
            Format::Jsonl | Format::Csv => {
                let mut f = match File::open(&file.path) {
                    Ok(f) => f,
                    Err(e) => {
                        return Some(Self::reject(
                            &path,
                            None,
                            RejectReason::Unreadable(e.to_string()),
                        ));
                    }
                };
                // A binary file would otherwise give one reject per "line".
                let mut head = vec![0u8; 8192];
                let n = read_up_to(&mut f, &mut head);
                if head[..n].contains(&0) {
                    return Some(Self::reject(&path, None, RejectReason::Binary));
                }
                if n == 0 {
                    return Some(Self::reject(&path, None, RejectReason::Empty));
                }
                let f = match File::open(&file.path) {
                    Ok(f) => f,
                    Err(e) => {
                        return Some(Self::reject(
                            &path,
                            None,
                            RejectReason::Unreadable(e.to_string()),
                        ));
                    }
                };
                if file.format == Format::Jsonl {
                    self.open = Some(Open::Jsonl {
                        ctx,
                        reader: BufReader::with_capacity(1 << 16, f),
                        line: 0,
                        buf: Vec::new(),
                    });
                    None
                } else {
                    let lines = match File::open(&file.path) {
                        Ok(f2) => LineCounter {
                            reader: BufReader::new(f2),
                            pos: 0,
                            line: 1,
                        },
                        Err(e) => {
                            return Some(Self::reject(
                                &path,
                                None,
                                RejectReason::Unreadable(e.to_string()),
                            ));
                        }
                    };
                    self.open_csv(ctx, f, lines)
                }
            }
        }
    }

    fn open_csv(&mut self, ctx: Context, f: File, lines: LineCounter) -> Option<Item> {
        let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(f);
        let headers = match reader.byte_headers() {
            Ok(h) => h.clone(),
            Err(e) => {
                return Some(Self::reject(
                    &ctx.path,
                    Some(1),
                    RejectReason::Malformed(e.to_string()),
                ));
            }
        };
        let col = |name: &str| {
            headers.iter().position(|h| {
                let h = String::from_utf8_lossy(h);
                h.trim()
                    .trim_start_matches('\u{feff}')
                    .eq_ignore_ascii_case(name)
            })
        };
        let Some(text) = col("text") else {
            return Some(Self::reject(
                &ctx.path,
                Some(1),
                RejectReason::Malformed(
                    "no `text` column in the header: add one (id,text,outlet,date,title,url,lang)"
                        .into(),
                ),
            ));
        };
        let cols = CsvCols {
            id: col("id"),
            text,
            outlet: col("outlet"),
            date: col("date"),
            title: col("title"),
            url: col("url"),
            lang: col("lang"),
        };
        self.open = Some(Open::Csv {
            ctx,
            reader: Box::new(reader),
            cols,
            lines,
        });
        None
    }

    fn load_whole(&self, file: &InputFile, ctx: Context) -> Item {
        let path = &ctx.path;
        if file.size > self.limits.max_article_bytes {
            return Self::reject(
                path,
                None,
                RejectReason::TooLarge {
                    bytes: file.size,
                    limit: self.limits.max_article_bytes,
                },
            );
        }
        let bytes = match std::fs::read(&file.path) {
            Ok(b) => b,
            Err(e) => return Self::reject(path, None, RejectReason::Unreadable(e.to_string())),
        };
        let text = match check_text(bytes) {
            Ok(t) => t,
            Err(r) => return Self::reject(path, None, r),
        };
        let (meta, outlet_source) = merge_meta(Meta::default(), ctx.manifest_meta.as_ref());
        Item::Article(Box::new(Article {
            id: ctx.stem.clone(),
            path: ctx.path.clone(),
            line: None,
            format: file.format,
            text,
            meta,
            outlet_source,
        }))
    }

    /// Next item of the open record file, or `None` when it is exhausted.
    fn next_record(&mut self) -> Option<Item> {
        let limit = self.limits.max_article_bytes;
        match self.open.as_mut()? {
            Open::Jsonl {
                ctx,
                reader,
                line,
                buf,
            } => loop {
                buf.clear();
                *line += 1;
                match reader.read_until(b'\n', buf) {
                    Ok(0) => return None,
                    Ok(_) => {}
                    Err(e) => {
                        return Some(Self::reject(
                            &ctx.path,
                            Some(*line),
                            RejectReason::Unreadable(e.to_string()),
                        ));
                    }
                }
                let raw: &[u8] = buf.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(buf);
                if raw.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                return Some(jsonl_item(ctx, *line, raw, limit));
            },
            Open::Csv {
                ctx,
                reader,
                cols,
                lines,
            } => {
                let mut rec = csv::ByteRecord::new();
                match reader.read_byte_record(&mut rec) {
                    Ok(false) => None,
                    Ok(true) => {
                        let line = lines.line_at(rec.position().map_or(0, |p| p.byte()));
                        Some(csv_item(ctx, cols, &rec, line, limit))
                    }
                    Err(e) => {
                        let line = e.position().map(|p| lines.line_at(p.byte()));
                        let item = Self::reject(
                            &ctx.path,
                            line,
                            RejectReason::Malformed(format!(
                                "{e}: fix the quoting or the number of fields"
                            )),
                        );
                        // An I/O error would repeat forever; a parse error moves on.
                        if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                            self.open = None;
                        }
                        Some(item)
                    }
                }
            }
        }
    }
}

impl Iterator for Source<'_> {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        loop {
            if self.open.is_some() {
                if let Some(item) = self.next_record() {
                    return Some(item);
                }
                self.open = None;
            }
            let file = self.files.get(self.next_file)?;
            self.next_file += 1;
            if let Some(item) = self.open_file(file) {
                return Some(item);
            }
        }
    }
}

fn read_up_to(f: &mut File, buf: &mut [u8]) -> usize {
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..]) {
            Ok(0) | Err(_) => break,
            Ok(k) => n += k,
        }
    }
    n
}

/// Validates raw bytes as article text: no NUL bytes, UTF-8 (a BOM is dropped), and not
/// blank.
pub fn check_text(mut bytes: Vec<u8>) -> Result<String, RejectReason> {
    if bytes.contains(&0) {
        return Err(RejectReason::Binary);
    }
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    let text = String::from_utf8(bytes).map_err(|e| RejectReason::NotUtf8 {
        byte: e.utf8_error().valid_up_to(),
    })?;
    if text.trim().is_empty() {
        return Err(RejectReason::Empty);
    }
    Ok(text)
}

fn merge_meta(field: Meta, manifest: Option<&Meta>) -> (Meta, OutletSource) {
    let from_field = field.outlet.is_some();
    let from_manifest = manifest.is_some_and(|m| m.outlet.is_some());
    let meta = match manifest {
        Some(m) => field.overridden_by(m),
        None => field,
    };
    let source = if from_manifest {
        OutletSource::Manifest
    } else if from_field {
        OutletSource::Field
    } else {
        OutletSource::Unknown
    };
    (meta, source)
}

#[derive(Deserialize)]
struct JsonArticle {
    id: Option<serde_json::Value>,
    text: Option<String>,
    outlet: Option<String>,
    date: Option<String>,
    title: Option<String>,
    url: Option<String>,
    lang: Option<String>,
}

fn jsonl_item(ctx: &Context, line: u64, raw: &[u8], limit: u64) -> Item {
    let rej = |r| Source::reject(&ctx.path, Some(line), r);
    if raw.len() as u64 > limit {
        return rej(RejectReason::TooLarge {
            bytes: raw.len() as u64,
            limit,
        });
    }
    if let Err(e) = std::str::from_utf8(raw) {
        return rej(RejectReason::NotUtf8 {
            byte: e.valid_up_to(),
        });
    }
    let rec: JsonArticle = match serde_json::from_slice(raw) {
        Ok(r) => r,
        Err(e) => return rej(RejectReason::Malformed(format!("invalid JSON: {e}"))),
    };
    let id = match rec.id {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => non_empty(Some(s)),
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        Some(_) => {
            return rej(RejectReason::Malformed(
                "`id` must be a string or a number".into(),
            ));
        }
    };
    let Some(text) = rec.text else {
        return rej(RejectReason::Malformed("no `text` field".into()));
    };
    build_record(
        ctx,
        line,
        id,
        text,
        [rec.outlet, rec.date, rec.title, rec.url, rec.lang],
    )
}

fn csv_item(ctx: &Context, cols: &CsvCols, rec: &csv::ByteRecord, line: u64, limit: u64) -> Item {
    let rej = |r| Source::reject(&ctx.path, Some(line), r);
    let mut fields: [Option<String>; 7] = Default::default();
    let idx = [
        cols.id,
        Some(cols.text),
        cols.outlet,
        cols.date,
        cols.title,
        cols.url,
        cols.lang,
    ];
    for (slot, i) in fields.iter_mut().zip(idx) {
        let Some(raw) = i.and_then(|i| rec.get(i)) else {
            continue;
        };
        if raw.len() as u64 > limit {
            return rej(RejectReason::TooLarge {
                bytes: raw.len() as u64,
                limit,
            });
        }
        match std::str::from_utf8(raw) {
            Ok(s) => *slot = Some(s.to_string()),
            Err(e) => {
                return rej(RejectReason::NotUtf8 {
                    byte: e.valid_up_to(),
                });
            }
        }
    }
    let [id, text, outlet, date, title, url, lang] = fields;
    build_record(
        ctx,
        line,
        non_empty(id),
        text.unwrap_or_default(),
        [outlet, date, title, url, lang],
    )
}

fn build_record(
    ctx: &Context,
    line: u64,
    id: Option<String>,
    text: String,
    meta: [Option<String>; 5],
) -> Item {
    let rej = |r| Source::reject(&ctx.path, Some(line), r);
    if text.contains('\0') {
        return rej(RejectReason::Binary);
    }
    if text.trim().is_empty() {
        return rej(RejectReason::Empty);
    }
    let [outlet, date, title, url, lang] = meta;
    let date = match non_empty(date) {
        None => None,
        Some(raw) => match normalize_date(&raw) {
            Some(d) => Some(d),
            None => {
                return rej(RejectReason::Malformed(format!(
                    "date '{raw}' is not YYYY-MM-DD: fix the date or leave it empty"
                )));
            }
        },
    };
    let field = Meta {
        outlet: non_empty(outlet),
        date,
        title: non_empty(title),
        url: non_empty(url),
        lang: non_empty(lang),
    };
    let (meta, outlet_source) = merge_meta(field, ctx.manifest_meta.as_ref());
    let format = if ctx.path.to_ascii_lowercase().ends_with(".csv") {
        Format::Csv
    } else {
        Format::Jsonl
    };
    Item::Article(Box::new(Article {
        id: id.unwrap_or_else(|| format!("{}#{line}", ctx.stem)),
        path: ctx.path.clone(),
        line: Some(line),
        format,
        text,
        meta,
        outlet_source,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::discover;
    use std::path::Path;

    fn items(dir: &Path) -> Vec<Item> {
        let d = discover(&[dir.to_path_buf()]).unwrap();
        let mut rejects = vec![];
        let m = Manifest::load(&d.manifests, &mut rejects);
        Source::new(&d.files, &m, Limits::default()).collect()
    }

    #[test]
    fn bad_inputs_are_rejected_and_good_ones_kept() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path();
        std::fs::write(r.join("a_empty.txt"), "  \n\n").unwrap();
        std::fs::write(r.join("b_binary.txt"), b"ab\0cd").unwrap();
        std::fs::write(r.join("c_latin1.txt"), b"Caf\xe9 news\nbody").unwrap();
        std::fs::write(
            r.join("d.jsonl"),
            "{\"id\":\"x1\",\"text\":\"Hello world.\",\"outlet\":\"Ledger\"}\n{broken\n\n{\"text\":\"No id here.\"}\n{\"id\":1}\n",
        )
        .unwrap();
        std::fs::write(r.join("e.txt"), "\u{feff}Title\r\nBody text.\r\n").unwrap();
        let got = items(r);
        let summary: Vec<String> = got
            .iter()
            .map(|i| match i {
                Item::Article(a) => format!("A {}", a.id),
                Item::Reject(j) => format!("R {:?} {}", j.line, j.reason),
            })
            .collect();
        assert_eq!(summary[0], "R None empty: no text");
        assert!(summary[1].starts_with("R None binary"));
        assert!(summary[2].starts_with("R None not UTF-8 (invalid byte at offset 3)"));
        assert_eq!(summary[3], "A x1");
        assert!(summary[4].starts_with("R Some(2) malformed row: invalid JSON"));
        assert_eq!(summary[5], "A d#4");
        assert_eq!(summary[6], "R Some(5) malformed row: no `text` field");
        assert_eq!(summary[7], "A e");
        assert_eq!(got.len(), 8);
        if let Item::Article(a) = &got[7] {
            assert!(a.text.starts_with("Title\r\n"), "BOM dropped, CRLF kept");
        }
    }

    #[test]
    fn csv_rows_with_metadata_and_errors() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path();
        std::fs::write(
            r.join("x.csv"),
            "id,outlet,date,text\r\n1,Ledger,2025-01-14,\"Line one,\r\nline two.\"\r\n2,Ledger,bad-date,text\r\n3,Ledger\r\n,,,No id.\r\n",
        )
        .unwrap();
        let got = items(r);
        let summary: Vec<String> = got
            .iter()
            .map(|i| match i {
                Item::Article(a) if a.id == "1" => format!(
                    "A 1@{} {:?} {:?}",
                    a.line.unwrap(),
                    a.meta.date,
                    a.outlet_source
                ),
                Item::Article(a) => format!("A {} {:?} {:?}", a.id, a.meta.date, a.outlet_source),
                Item::Reject(j) => format!("R {:?}", j.line),
            })
            .collect();
        assert_eq!(
            summary,
            [
                "A 1@2 Some(\"2025-01-14\") Field",
                "R Some(4)",
                "R Some(5)",
                "A x#6 None Unknown",
            ]
        );
    }

    #[test]
    fn csv_lines_are_right_with_lf_too() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("x.csv"), "id,text\na,\"x\ny\"\nb,z\n").unwrap();
        let lines: Vec<Option<u64>> = items(d.path())
            .iter()
            .map(|i| match i {
                Item::Article(a) => a.line,
                Item::Reject(_) => None,
            })
            .collect();
        assert_eq!(lines, [Some(2), Some(4)]);
    }

    #[test]
    fn oversize_file_is_rejected_without_reading() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("big.txt"), "t\n".repeat(100)).unwrap();
        let disc = discover(&[d.path().to_path_buf()]).unwrap();
        let m = Manifest::default();
        let got: Vec<Item> = Source::new(
            &disc.files,
            &m,
            Limits {
                max_article_bytes: 50,
            },
        )
        .collect();
        assert!(
            matches!(&got[0], Item::Reject(r) if matches!(r.reason, RejectReason::TooLarge { bytes: 200, limit: 50 }))
        );
    }
}
