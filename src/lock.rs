//! The output lock: two runs never write the same reports folder at once.
//!
//! Taken by `slant run` before anything is staged, released when the run ends. The lock
//! is an advisory `flock` on `.<out name>.lock` beside the output folder, holding the
//! pid, host and start time of the run that has it. The kernel drops a `flock` when its
//! process dies, so a lock left by a killed run is stale by construction: the next run
//! finds the file unlocked, takes it and overwrites the old holder's details.

use std::fs::File;
use std::io::{Read, Seek, Write};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};

use crate::error::Error;

/// A held lock; released on drop.
#[derive(Debug)]
pub struct OutputLock {
    file: File,
    path: PathBuf,
}

/// The lock file of an output folder.
pub fn lock_path(out: &Path) -> PathBuf {
    let (parent, name) = crate::report::output::beside(out);
    parent.join(format!(".{name}.lock"))
}

impl OutputLock {
    /// Takes the lock of `out` or fails at once, naming the run that holds it.
    pub fn acquire(out: &Path) -> Result<OutputLock, Error> {
        let path = lock_path(out);
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p).map_err(|e| Error::Output {
                path: out.to_path_buf(),
                source: e,
            })?;
        }
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| Error::Output {
                path: out.to_path_buf(),
                source: e,
            })?;
        // SAFETY: flock on a descriptor we own; no memory is shared.
        let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        if rc != 0 {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            return Err(Error::Locked {
                out: out.to_path_buf(),
                lock: path,
                holder: holder.trim().to_string(),
            });
        }
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .map(|h| h.trim().to_string())
            .unwrap_or_default();
        let me = format!(
            "pid {} on {} since {}",
            std::process::id(),
            if host.is_empty() { "this host" } else { &host },
            chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        );
        let _ = file
            .set_len(0)
            .and_then(|()| file.rewind())
            .and_then(|()| file.write_all(me.as_bytes()));
        Ok(OutputLock { file, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        let _ = self.file.set_len(0);
        // SAFETY: unlocking our own descriptor (closing it would also release it).
        unsafe {
            libc::flock(self.file.as_raw_fd(), libc::LOCK_UN);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_holder_is_refused_with_the_first_named() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("reports");
        let first = OutputLock::acquire(&out).unwrap();
        // flock locks belong to open file descriptions, so a second open in the same
        // process conflicts like another process would.
        let err = OutputLock::acquire(&out).unwrap_err().to_string();
        assert!(
            err.contains(&format!("pid {}", std::process::id())),
            "{err}"
        );
        drop(first);
        let again = OutputLock::acquire(&out).unwrap();
        assert_eq!(again.path(), d.path().join(".reports.lock"));
    }

    #[test]
    fn a_lock_file_left_by_a_dead_run_is_stale_and_taken() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("r");
        std::fs::write(
            lock_path(&out),
            "pid 999999 on gone since 2020-01-01T00:00:00Z",
        )
        .unwrap();
        assert!(OutputLock::acquire(&out).is_ok());
    }
}
