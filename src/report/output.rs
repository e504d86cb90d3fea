//! Output: reports are written into a staging folder and swapped into place at the end.
//!
//! The staging folder sits beside the output folder (same file system), named
//! `.NAME.slant-tmp.PID`. On success it replaces the output folder in one atomic
//! `renameat2(RENAME_EXCHANGE)` on Linux (two renames elsewhere), so a run that fails,
//! panics or is killed leaves the previous reports whole. Staging folders of dead runs
//! are removed at the next start. To avoid destroying a folder that is not ours, an
//! existing output folder is only replaced when everything in it looks like slant output.

use std::path::{Path, PathBuf};

use crate::error::Error;

const TMP_MARK: &str = ".slant-tmp.";
const OLD_MARK: &str = ".slant-old.";

/// Names an existing output folder may contain for slant to replace it.
fn is_report_entry(name: &str) -> bool {
    name == "README.md"
        || name == "run.json"
        || name == HISTORY
        || name == ".gitkeep"
        || name == super::xlsx::FILE
        || name.ends_with(".csv")
}

#[derive(Debug)]
pub struct Staging {
    out: PathBuf,
    tmp: PathBuf,
    done: bool,
}

impl Staging {
    /// Prepares a staging folder for `out`. Fails (before any work is done) when the
    /// output cannot be written.
    pub fn begin(out: &Path) -> Result<Staging, Error> {
        let err = |e: std::io::Error| Error::Output {
            path: out.to_path_buf(),
            source: e,
        };
        if out.exists() {
            if !out.is_dir() {
                return Err(err(std::io::Error::other("it exists and is not a folder")));
            }
            let foreign: Vec<String> = std::fs::read_dir(out)
                .map_err(err)?
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| !is_report_entry(n))
                .collect();
            if !foreign.is_empty() {
                return Err(err(std::io::Error::other(format!(
                    "it holds files slant did not write ({}), and slant replaces the whole folder",
                    foreign.join(", ")
                ))));
            }
        }
        if out.file_name().is_none() {
            return Err(err(std::io::Error::other("not a folder name")));
        }
        let (parent, name) = beside(out);
        std::fs::create_dir_all(&parent).map_err(err)?;
        remove_stale(&parent, &name);
        let tmp = parent.join(format!(".{name}{TMP_MARK}{}", std::process::id()));
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp).map_err(err)?;
        }
        std::fs::create_dir(&tmp).map_err(err)?;
        Ok(Staging {
            out: out.to_path_buf(),
            tmp,
            done: false,
        })
    }

    /// The folder to write report files into.
    pub fn dir(&self) -> &Path {
        &self.tmp
    }

    /// The final output folder.
    pub fn out(&self) -> &Path {
        &self.out
    }

    /// Archives the staged reports: the history of the current output folder is
    /// carried over (hard links, so nothing is copied and the old folder stays whole
    /// until the swap), and this run's files are added under `history/<stamp>/`.
    pub fn archive(&self, stamp: &str) -> Result<(), Error> {
        let err = |p: &Path, e: std::io::Error| Error::Output {
            path: p.to_path_buf(),
            source: e,
        };
        let history = self.tmp.join(HISTORY);
        let old = self.out.join(HISTORY);
        if old.is_dir() {
            link_tree(&old, &history).map_err(|e| err(&old, e))?;
        }
        // Two runs within one second get "-2", "-3" …: an archived run is never
        // written over (its files are hard links shared with the previous folder).
        let mut here = history.join(stamp);
        let mut n = 2;
        while here.exists() {
            here = history.join(format!("{stamp}-{n}"));
            n += 1;
        }
        std::fs::create_dir_all(&here).map_err(|e| err(&here, e))?;
        for e in std::fs::read_dir(&self.tmp).map_err(|e| err(&self.tmp, e))? {
            let e = e.map_err(|e| err(&self.tmp, e))?;
            if e.file_type().is_ok_and(|t| t.is_file()) {
                std::fs::hard_link(e.path(), here.join(e.file_name()))
                    .or_else(|_| std::fs::copy(e.path(), here.join(e.file_name())).map(|_| ()))
                    .map_err(|x| err(&e.path(), x))?;
            }
        }
        Ok(())
    }

    /// Moves the staged reports into place.
    pub fn commit(mut self) -> Result<(), Error> {
        let err = |e: std::io::Error| Error::Output {
            path: self.out.clone(),
            source: e,
        };
        if self.out.exists() {
            if exchange(&self.tmp, &self.out).is_ok() {
                // `tmp` now holds the previous reports.
                let _ = std::fs::remove_dir_all(&self.tmp);
            } else {
                let old = with_mark(&self.tmp, OLD_MARK);
                std::fs::rename(&self.out, &old).map_err(err)?;
                if let Err(e) = std::fs::rename(&self.tmp, &self.out) {
                    let _ = std::fs::rename(&old, &self.out);
                    return Err(err(e));
                }
                let _ = std::fs::remove_dir_all(&old);
            }
        } else {
            std::fs::rename(&self.tmp, &self.out).map_err(err)?;
        }
        self.done = true;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_dir_all(&self.tmp);
        }
    }
}

/// The folder holding `path` (`.` for a bare name) and `path`'s own name: where the
/// staging folder, the lock and the cache of an output folder go.
pub fn beside(path: &Path) -> (PathBuf, String) {
    let name = path
        .file_name()
        .map_or_else(|| "reports".into(), |n| n.to_string_lossy().into_owned());
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    (parent, name)
}

/// The folder of archived runs inside the output folder.
pub const HISTORY: &str = "history";

/// Recreates the tree `from` under `to` with hard links (copies where links fail).
fn link_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        let target = to.join(e.file_name());
        if e.file_type()?.is_dir() {
            link_tree(&e.path(), &target)?;
        } else {
            std::fs::hard_link(e.path(), &target)
                .or_else(|_| std::fs::copy(e.path(), &target).map(|_| ()))?;
        }
    }
    Ok(())
}

fn with_mark(tmp: &Path, mark: &str) -> PathBuf {
    let s = tmp.to_string_lossy().replace(TMP_MARK, mark);
    PathBuf::from(s)
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let ca = CString::new(a.as_os_str().as_bytes()).map_err(std::io::Error::other)?;
    let cb = CString::new(b.as_os_str().as_bytes()).map_err(std::io::Error::other)?;
    // SAFETY: both are valid NUL-terminated paths; the call touches no Rust memory.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

/// Removes staging folders left by runs that no longer exist.
fn remove_stale(parent: &Path, name: &str) {
    let Ok(rd) = std::fs::read_dir(parent) else {
        return;
    };
    for e in rd.filter_map(Result::ok) {
        let n = e.file_name().to_string_lossy().into_owned();
        for mark in [TMP_MARK, OLD_MARK] {
            let prefix = format!(".{name}{mark}");
            if let Some(pid) = n.strip_prefix(&prefix).and_then(|p| p.parse::<u32>().ok())
                && !process_alive(pid)
            {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
}

/// Whether a process id is running (always "yes" where we cannot tell).
pub fn process_alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new(&format!("/proc/{pid}")).exists()
    } else {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_replaces_and_drop_keeps_previous() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("reports");
        let s = Staging::begin(&out).unwrap();
        std::fs::write(s.dir().join("a.csv"), "one").unwrap();
        s.commit().unwrap();
        assert_eq!(std::fs::read_to_string(out.join("a.csv")).unwrap(), "one");

        let s = Staging::begin(&out).unwrap();
        std::fs::write(s.dir().join("a.csv"), "two").unwrap();
        drop(s); // a failed run
        assert_eq!(std::fs::read_to_string(out.join("a.csv")).unwrap(), "one");

        let s = Staging::begin(&out).unwrap();
        std::fs::write(s.dir().join("a.csv"), "three").unwrap();
        s.commit().unwrap();
        assert_eq!(std::fs::read_to_string(out.join("a.csv")).unwrap(), "three");
        let left: Vec<_> = std::fs::read_dir(d.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no staging folders left behind");
    }

    #[test]
    fn refuses_to_replace_a_folder_with_other_files() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("thesis.docx"), "precious").unwrap();
        let e = Staging::begin(d.path()).unwrap_err();
        assert!(e.to_string().contains("thesis.docx"));
    }

    #[test]
    fn stale_staging_of_dead_runs_is_removed() {
        let d = tempfile::tempdir().unwrap();
        let stale = d.path().join(".reports.slant-tmp.999999999");
        std::fs::create_dir(&stale).unwrap();
        let s = Staging::begin(&d.path().join("reports")).unwrap();
        assert!(!stale.exists());
        drop(s);
    }
}
