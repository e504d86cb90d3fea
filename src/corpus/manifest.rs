//! Manifest: per-folder `manifest.csv` files that add or override article metadata.
//!
//! Columns `file,outlet,date,title,url,lang` (only `file` is required; order free,
//! header names case-insensitive). `file` is relative to the manifest's folder. A broken
//! row is rejected on its own line and the rest of the manifest still applies.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use super::{Meta, non_empty, normalize_date};
use crate::error::{Reject, RejectReason};

#[derive(Debug, Default)]
pub struct Manifest {
    entries: HashMap<PathBuf, Meta>,
}

impl Manifest {
    /// Reads every manifest; problems become rejects, never a fatal error.
    pub fn load(paths: &[PathBuf], rejects: &mut Vec<Reject>) -> Manifest {
        let mut m = Manifest::default();
        for p in paths {
            m.load_one(p, rejects);
        }
        m
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Metadata for an input file, if a manifest names it.
    pub fn get(&self, file: &Path) -> Option<&Meta> {
        self.entries.get(&lexical(file))
    }

    fn load_one(&mut self, path: &Path, rejects: &mut Vec<Reject>) {
        let shown = path.display().to_string();
        let reject = |line: Option<u64>, msg: String| Reject {
            path: shown.clone(),
            line,
            reason: RejectReason::Manifest(msg),
        };
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                rejects.push(Reject {
                    path: shown.clone(),
                    line: None,
                    reason: RejectReason::Unreadable(e.to_string()),
                });
                return;
            }
        };
        let mut rdr = csv::ReaderBuilder::new()
            .flexible(false)
            .from_reader(bytes.as_slice());
        let headers = match rdr.headers() {
            Ok(h) => h.clone(),
            Err(e) => {
                rejects.push(reject(Some(1), format!("unreadable header: {e}")));
                return;
            }
        };
        let col = |name: &str| {
            headers.iter().position(|h| {
                h.trim()
                    .trim_start_matches('\u{feff}')
                    .eq_ignore_ascii_case(name)
            })
        };
        let Some(file_col) = col("file") else {
            rejects.push(reject(
                Some(1),
                "no `file` column: the header must be file,outlet,date,title,url,lang".into(),
            ));
            return;
        };
        let cols = [
            col("outlet"),
            col("date"),
            col("title"),
            col("url"),
            col("lang"),
        ];
        let dir = path.parent().unwrap_or(Path::new(""));
        let mut first_line: HashMap<PathBuf, u64> = HashMap::new();
        for rec in rdr.records() {
            let rec = match rec {
                Ok(r) => r,
                Err(e) => {
                    let line = e.position().map(|p| p.line());
                    rejects.push(reject(
                        line,
                        format!("{e}: fix the row's quoting or field count"),
                    ));
                    continue;
                }
            };
            let line = rec.position().map(|p| p.line()).unwrap_or(0);
            let get = |c: Option<usize>| non_empty(c.and_then(|i| rec.get(i)).map(str::to_string));
            let Some(file) = get(Some(file_col)) else {
                rejects.push(reject(
                    Some(line),
                    "empty `file` cell: name the article file".into(),
                ));
                continue;
            };
            let target = lexical(&dir.join(&file));
            if !target.is_file() {
                rejects.push(reject(
                    Some(line),
                    format!("names {file}, which does not exist beside the manifest"),
                ));
                continue;
            }
            if let Some(first) = first_line.get(&target) {
                rejects.push(reject(
                    Some(line),
                    format!("names {file} again (first at line {first}): keep one row per file"),
                ));
                continue;
            }
            first_line.insert(target.clone(), line);
            let mut meta = Meta {
                outlet: get(cols[0]),
                date: None,
                title: get(cols[2]),
                url: get(cols[3]),
                lang: get(cols[4]),
            };
            if let Some(raw) = get(cols[1]) {
                match normalize_date(&raw) {
                    Some(d) => meta.date = Some(d),
                    None => rejects.push(reject(
                        Some(line),
                        format!("date '{raw}' is not YYYY-MM-DD: the row's other fields are used"),
                    )),
                }
            }
            self.entries.insert(target, meta);
        }
    }
}

/// Cleans a path lexically (drops `.`, folds `..`), so `data/./a.txt` and `data/a.txt`
/// name the same entry without touching the file system.
pub fn lexical(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_apply_and_broken_rows_are_rejected_alone() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path();
        std::fs::write(r.join("a.txt"), "t\nbody").unwrap();
        std::fs::write(r.join("b.txt"), "t\nbody").unwrap();
        std::fs::write(
            r.join("manifest.csv"),
            "file,outlet,date\na.txt,Daily Planet,2025-01-14\nb.txt,Ledger,14/01/2025\nmissing.txt,X,\na.txt,Again,\nc.txt\n",
        )
        .unwrap();
        let mut rejects = vec![];
        let m = Manifest::load(&[r.join("manifest.csv")], &mut rejects);
        let a = m.get(&r.join("a.txt")).unwrap();
        assert_eq!(a.outlet.as_deref(), Some("Daily Planet"));
        assert_eq!(a.date.as_deref(), Some("2025-01-14"));
        let b = m.get(&r.join("./b.txt")).unwrap();
        assert_eq!(b.outlet.as_deref(), Some("Ledger"));
        assert_eq!(b.date, None);
        let lines: Vec<Option<u64>> = rejects.iter().map(|r| r.line).collect();
        assert_eq!(lines, [Some(3), Some(4), Some(5), Some(6)]);
        assert!(rejects[0].reason.to_string().contains("14/01/2025"));
    }

    #[test]
    fn manifest_without_file_column_is_one_reject() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("manifest.csv"), "name,outlet\na,b\n").unwrap();
        let mut rejects = vec![];
        let m = Manifest::load(&[d.path().join("manifest.csv")], &mut rejects);
        assert!(m.is_empty());
        assert_eq!(rejects.len(), 1);
        assert!(rejects[0].reason.to_string().contains("file,outlet,date"));
    }
}
