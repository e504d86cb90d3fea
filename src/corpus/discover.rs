//! Discover: turn `--data` paths into a sorted list of input files.
//!
//! Folders are searched recursively in byte order of their entry names, so the order of
//! articles (and so of report rows) never depends on the file system. Hidden entries are
//! skipped; `manifest.csv` files are collected, not read as articles.

use std::path::{Path, PathBuf};

use super::Format;
use crate::error::Error;

/// The name of a metadata manifest inside a data folder.
pub const MANIFEST_NAME: &str = "manifest.csv";
const MAX_DEPTH: usize = 64;

#[derive(Debug, Clone)]
pub struct InputFile {
    pub path: PathBuf,
    pub format: Format,
    pub size: u64,
    /// The `--data` folder this file was found under (its parent for a single file):
    /// ids of files in subfolders are their path relative to it.
    pub root: PathBuf,
}

#[derive(Debug, Default)]
pub struct Discovered {
    pub files: Vec<InputFile>,
    /// Manifests found, in the folders searched (and beside single files).
    pub manifests: Vec<PathBuf>,
    /// Files skipped because their extension is not an input format.
    pub ignored: usize,
    pub total_bytes: u64,
}

/// Finds every input file under `paths`. A path that does not exist is fatal; so is
/// finding no input file at all.
pub fn discover(paths: &[PathBuf]) -> Result<Discovered, Error> {
    let mut out = Discovered::default();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|_| Error::MissingInput { path: p.clone() })?;
        if meta.is_dir() {
            walk(p, p, 0, &mut out)?;
        } else {
            let format = p
                .extension()
                .and_then(|e| e.to_str())
                .and_then(Format::from_extension)
                .unwrap_or(Format::Text);
            let root = p.parent().map(Path::to_path_buf).unwrap_or_default();
            let beside = root.join(MANIFEST_NAME);
            if beside.is_file() && !out.manifests.contains(&beside) {
                out.manifests.push(beside);
            }
            out.total_bytes += meta.len();
            out.files.push(InputFile {
                path: p.clone(),
                format,
                size: meta.len(),
                root,
            });
        }
    }
    if out.files.is_empty() {
        let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        return Err(Error::NoInput {
            paths: shown.join(", "),
        });
    }
    Ok(out)
}

fn walk(root: &Path, dir: &Path, depth: usize, out: &mut Discovered) -> Result<(), Error> {
    if depth > MAX_DEPTH {
        return Ok(());
    }
    let rd = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    let mut entries: Vec<_> = rd.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name();
        let name_s = name.to_string_lossy();
        if name_s.starts_with('.') {
            continue;
        }
        let path = e.path();
        // Follow symlinks, as a user pointing at a folder of links expects.
        let Ok(meta) = std::fs::metadata(&path) else {
            out.ignored += 1;
            continue;
        };
        if meta.is_dir() {
            walk(root, &path, depth + 1, out)?;
        } else if name_s.eq_ignore_ascii_case(MANIFEST_NAME) {
            out.manifests.push(path);
        } else if let Some(format) = path
            .extension()
            .and_then(|x| x.to_str())
            .and_then(Format::from_extension)
        {
            out.total_bytes += meta.len();
            out.files.push(InputFile {
                path,
                format,
                size: meta.len(),
                root: root.to_path_buf(),
            });
        } else {
            out.ignored += 1;
        }
    }
    Ok(())
}

/// The article id of a file: its path relative to its data folder, without extension,
/// with `/` separators (so `sub/a.txt` is `sub/a` and a top-level `a.txt` is `a`).
pub fn file_id(file: &InputFile) -> String {
    let rel = file.path.strip_prefix(&file.root).unwrap_or(&file.path);
    let stem = rel.with_extension("");
    let parts: Vec<String> = stem
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_sorted_recursive_and_skips_hidden() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path();
        std::fs::create_dir_all(r.join("b/sub")).unwrap();
        std::fs::create_dir_all(r.join(".git")).unwrap();
        for f in [
            "z.txt",
            "a.md",
            "b/sub/c.jsonl",
            "b/x.csv",
            ".hidden.txt",
            ".git/h.txt",
            "notes.pdf",
            "manifest.csv",
        ] {
            std::fs::write(r.join(f), "x").unwrap();
        }
        let got = discover(&[r.to_path_buf()]).unwrap();
        let names: Vec<String> = got.files.iter().map(file_id).collect();
        assert_eq!(names, ["a", "b/sub/c", "b/x", "z"]);
        assert_eq!(got.manifests.len(), 1);
        assert_eq!(got.ignored, 1);
    }

    #[test]
    fn missing_path_is_fatal_with_the_path() {
        let err = discover(&[PathBuf::from("/no/such/folder")]).unwrap_err();
        assert!(err.to_string().contains("/no/such/folder"));
    }

    #[test]
    fn empty_folder_is_no_input() {
        let d = tempfile::tempdir().unwrap();
        assert!(matches!(
            discover(&[d.path().to_path_buf()]),
            Err(Error::NoInput { .. })
        ));
    }
}
