//! Cache: results of earlier runs, so a rerun analyses only what changed.
//!
//! Sits around the pure `analyze` stage (DESIGN rule 1: its result depends only on the
//! article and the compiled lexicons) and the mergeable aggregates (rule 2). Two kinds
//! of entries share one store:
//!
//! - an **article entry** ([`ArticleEntry`]): the analysis of one article and its
//!   encoded report rows, keyed by the article's identity, metadata and text;
//! - a **file entry** ([`FileEntry`]): everything one input file contributed to a run
//!   (its report rows, rejects, counts, term counts and partial aggregates), keyed by
//!   the file's bytes and its manifest metadata. An unchanged file costs one hash of
//!   its bytes and one merge; its records are not even parsed.
//!
//! Every key is a 128-bit XXH3 hash that also covers the cache format, the slant binary
//! and the lexicon fingerprint (each entry's kind, category, term and weight: editing a
//! comment invalidates nothing, editing a term invalidates every result, since any
//! article may contain it), and for file entries the options that shape aggregates.
//!
//! The store is a few append-only pack files and an index, written to a temporary name
//! and renamed when the run has succeeded, so a killed run leaves the previous index
//! whole. Entries a successful run did not use are dropped from the index, and packs
//! are compacted when less than half of them is live. The cache is an accelerator, never
//! a source of truth: any problem reading it is a miss, and reports from a warm run
//! equal a cold run's byte for byte.

use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::Xxh3;

use crate::aggregate::Aggregates;
use crate::analyze::ArticleResult;
use crate::corpus::{Article, InputFile, Meta};
use crate::error::Error;
use crate::lexicon::Lexicons;
use crate::report::Encoded;
use crate::report::terms::TermCounts;

/// Bump when the layout or the meaning of an entry changes.
const FORMAT: &str = "slant-cache-2";
const INDEX: &str = "index";

/// One article's analysis and the report rows made from it. Statement texts are only
/// in the rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleEntry {
    pub result: ArticleResult,
    pub row: Encoded,
    pub quote_rows: Vec<crate::report::quotes::QuoteRow>,
}

/// Everything one input file contributed to a run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileEntry {
    /// `articles.csv` records, concatenated.
    #[serde(with = "serde_bytes")]
    pub article_rows: Vec<u8>,
    pub article_count: u64,
    /// Staged `quotes.csv` records (see `report::quotes::QuoteStage`).
    #[serde(with = "serde_bytes")]
    pub quote_records: Vec<u8>,
    /// `rejects.csv` rows and the warnings shown for them.
    pub reject_rows: Vec<Encoded>,
    pub reject_messages: Vec<String>,
    pub bytes: u64,
    pub tokens: u64,
    pub sentences: u64,
    pub chars_removed: u64,
    pub terms: TermCounts,
    pub aggregates: Aggregates,
    /// The article entries behind it, kept alive while the file entry is used.
    pub article_keys: Vec<u128>,
}

/// The default cache folder for an output folder: `.slant-cache/<name>` beside it.
pub fn default_dir(out: &Path) -> PathBuf {
    let (parent, name) = crate::report::output::beside(out);
    parent.join(".slant-cache").join(name)
}

/// A fingerprint of what the lexicons mean: entries and categories, not their files.
pub fn lexicon_fingerprint(lex: &Lexicons) -> u128 {
    let mut h = Xxh3::new();
    for e in &lex.entries {
        h.update(e.kind.name().as_bytes());
        h.update(&[0]);
        h.update(lex.category_of(e).as_bytes());
        h.update(&[0]);
        h.update(e.term.as_bytes());
        h.update(&[0, u8::from(e.wildcard)]);
        h.update(&e.weight.to_bits().to_le_bytes());
        h.update(&e.tokens.to_le_bytes());
    }
    h.digest128()
}

/// A fingerprint of the running program (version, and the executable's path, size and
/// modification time), so a rebuilt slant never reads results an older build made.
fn program_fingerprint() -> u128 {
    let mut h = Xxh3::new();
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    if let Ok(exe) = std::env::current_exe() {
        h.update(exe.as_os_str().as_encoded_bytes());
        if let Ok(m) = std::fs::metadata(&exe) {
            h.update(&m.len().to_le_bytes());
            if let Ok(t) = m.modified()
                && let Ok(d) = t.duration_since(std::time::UNIX_EPOCH)
            {
                h.update(&d.as_nanos().to_le_bytes());
            }
        }
    }
    h.digest128()
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct Slot {
    pack: u32,
    offset: u64,
    len: u32,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Index {
    format: String,
    packs: Vec<String>,
    slots: Vec<(u128, Slot)>,
}

struct Writer {
    file: Option<File>,
    len: u64,
}

/// An open cache.
pub struct Cache {
    dir: PathBuf,
    salt: u128,
    packs: Vec<String>,
    readers: Vec<Option<File>>,
    slots: FxHashMap<u128, Slot>,
    new_pack: String,
    writer: Mutex<Writer>,
    added: Mutex<Vec<(u128, Slot)>>,
    /// Entries that could not be written (the run goes on; the next one redoes them).
    write_errors: AtomicU64,
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cache")
            .field("dir", &self.dir)
            .field("entries", &self.slots.len())
            .finish()
    }
}

impl Cache {
    /// Opens (creating) the cache folder. `options` are the run options that shape
    /// file entries (aggregation period, size limit), as text.
    pub fn open(dir: &Path, lex: &Lexicons, options: &str) -> Result<Cache, Error> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let mut h = Xxh3::new();
        h.update(FORMAT.as_bytes());
        h.update(&program_fingerprint().to_le_bytes());
        h.update(&lexicon_fingerprint(lex).to_le_bytes());
        h.update(options.as_bytes());
        let index = std::fs::read(dir.join(INDEX))
            .ok()
            .and_then(|b| postcard::from_bytes::<Index>(&b).ok())
            .filter(|i| i.format == FORMAT)
            .unwrap_or_default();
        let readers = index
            .packs
            .iter()
            .map(|p| File::open(dir.join(p)).ok())
            .collect();
        let new_pack = format!(
            "pack-{}-{}.bin",
            chrono::Utc::now().format("%Y%m%dT%H%M%S%.f"),
            std::process::id()
        );
        Ok(Cache {
            dir: dir.to_path_buf(),
            salt: h.digest128(),
            packs: index.packs,
            readers,
            slots: index.slots.into_iter().collect(),
            new_pack,
            writer: Mutex::new(Writer { file: None, len: 0 }),
            added: Mutex::new(Vec::new()),
            write_errors: AtomicU64::new(0),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The key of an article: everything its analysis depends on.
    pub fn article_key(&self, a: &Article) -> u128 {
        let mut h = Xxh3::new();
        h.update(&self.salt.to_le_bytes());
        h.update(b"article");
        let ident = format!(
            "{:?}\u{0}{:?}\u{0}{:?}\u{0}{:?}\u{0}{:?}\u{0}{:?}",
            a.id, a.path, a.line, a.format, a.meta, a.outlet_source
        );
        h.update(&(ident.len() as u64).to_le_bytes());
        h.update(ident.as_bytes());
        h.update(a.text.as_bytes());
        h.digest128()
    }

    /// The key of an input file: its path, format, manifest metadata and bytes.
    /// `None` when it cannot be read (the loader will report why).
    pub fn file_key(&self, f: &InputFile, meta: Option<&Meta>) -> Option<u128> {
        let mut h = Xxh3::new();
        h.update(&self.salt.to_le_bytes());
        h.update(b"file");
        let ident = format!(
            "{:?}\u{0}{:?}\u{0}{:?}\u{0}{meta:?}",
            f.path, f.root, f.format
        );
        h.update(&(ident.len() as u64).to_le_bytes());
        h.update(ident.as_bytes());
        let mut file = File::open(&f.path).ok()?;
        let mut buf = vec![0u8; 1 << 20];
        loop {
            match file.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => h.update(&buf[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => return None,
            }
        }
        Some(h.digest128())
    }

    fn read(&self, key: u128) -> Option<Vec<u8>> {
        let slot = self.slots.get(&key)?;
        let file = self.readers.get(slot.pack as usize)?.as_ref()?;
        let mut buf = vec![0u8; slot.len as usize];
        file.read_exact_at(&mut buf, slot.offset).ok()?;
        Some(buf)
    }

    fn get<T: for<'de> Deserialize<'de>>(&self, key: u128) -> Option<T> {
        self.read(key)
            .and_then(|b| postcard::from_bytes::<T>(&b).ok())
    }

    /// The key of a clustering: the level, its features, every point and the params.
    pub fn cluster_key(
        &self,
        level: &str,
        features: &[String],
        points: &[crate::aggregate::Point],
        params: &crate::cluster::ClusterParams,
    ) -> u128 {
        let mut h = Xxh3::new();
        h.update(&self.salt.to_le_bytes());
        h.update(format!("cluster\u{0}{level}\u{0}{features:?}\u{0}{params:?}").as_bytes());
        for p in points {
            h.update(&(p.id.len() as u64).to_le_bytes());
            h.update(p.id.as_bytes());
            for f in &p.features {
                h.update(&f.to_bits().to_le_bytes());
            }
        }
        h.digest128()
    }

    pub fn clustering(&self, key: u128) -> Option<crate::cluster::Outcome> {
        self.get(key)
    }

    pub fn article(&self, key: u128) -> Option<ArticleEntry> {
        self.get(key)
    }

    pub fn file(&self, key: u128) -> Option<FileEntry> {
        self.get(key)
    }

    /// Stores an entry in this run's pack; failures only count.
    pub fn put<T: Serialize>(&self, key: u128, value: &T) {
        if self.slots.contains_key(&key) {
            return;
        }
        let ok = (|| -> std::io::Result<()> {
            let bytes = postcard::to_allocvec(value).map_err(std::io::Error::other)?;
            let mut w = self.writer.lock().expect("cache writer");
            if w.file.is_none() {
                w.file = Some(File::create(self.dir.join(&self.new_pack))?);
            }
            let offset = w.len;
            w.file.as_mut().expect("opened").write_all(&bytes)?;
            w.len += bytes.len() as u64;
            drop(w);
            self.added.lock().expect("cache index").push((
                key,
                Slot {
                    pack: u32::MAX,
                    offset,
                    len: bytes.len() as u32,
                },
            ));
            Ok(())
        })();
        if ok.is_err() {
            self.write_errors.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// After a successful run: keeps the entries in `used` (and all new ones), drops
    /// the rest, compacts packs that are mostly dead, and writes the new index.
    pub fn commit(self, used: &FxHashSet<u128>) -> Result<(), Error> {
        let failed = self.write_errors.load(Ordering::Relaxed);
        if failed > 0 {
            eprintln!(
                "slant: warning: {failed} cache entries could not be written to {}; the next run analyses them again",
                self.dir.display()
            );
        }
        let Cache {
            dir,
            packs,
            readers,
            slots,
            new_pack,
            writer,
            added,
            ..
        } = self;
        let err = |e: std::io::Error| Error::io(&dir, e);
        let mut w = writer.into_inner().expect("cache writer");
        if let Some(f) = w.file.take() {
            f.sync_data().map_err(err)?;
        }
        let mut packs = packs;
        let mut readers = readers;
        let added = added.into_inner().expect("cache index");
        let new_id = packs.len() as u32;
        if !added.is_empty() {
            packs.push(new_pack.clone());
            readers.push(File::open(dir.join(&new_pack)).ok());
        }
        let mut live: Vec<(u128, Slot)> = slots
            .into_iter()
            .filter(|(k, _)| used.contains(k))
            .chain(added.into_iter().map(|(k, mut s)| {
                s.pack = new_id;
                (k, s)
            }))
            .collect();
        live.sort_by_key(|(k, _)| *k);
        live.dedup_by_key(|(k, _)| *k);
        let mut pack_len = vec![0u64; packs.len()];
        for (i, r) in readers.iter().enumerate() {
            pack_len[i] = r
                .as_ref()
                .and_then(|f| f.metadata().ok())
                .map_or(0, |m| m.len());
        }
        let total: u64 = pack_len.iter().sum();
        let live_bytes: u64 = live.iter().map(|(_, s)| u64::from(s.len)).sum();
        let (packs, live) = if total > 0 && live_bytes * 2 < total {
            // Mostly dead: copy the live entries into one fresh pack.
            let name = format!("{}.compact.bin", new_pack.trim_end_matches(".bin"));
            let mut out = std::io::BufWriter::new(File::create(dir.join(&name)).map_err(err)?);
            let mut offset = 0u64;
            let mut moved = Vec::with_capacity(live.len());
            let mut buf = Vec::new();
            for (k, s) in live {
                let Some(Some(f)) = readers.get(s.pack as usize) else {
                    continue;
                };
                buf.resize(s.len as usize, 0);
                if f.read_exact_at(&mut buf, s.offset).is_err() {
                    continue;
                }
                out.write_all(&buf).map_err(err)?;
                moved.push((
                    k,
                    Slot {
                        pack: 0,
                        offset,
                        len: s.len,
                    },
                ));
                offset += u64::from(s.len);
            }
            out.into_inner()
                .map_err(|e| err(e.into_error()))?
                .sync_data()
                .map_err(err)?;
            (vec![name], moved)
        } else {
            // Drop packs nothing points to any more, renumbering the rest.
            let mut keep: Vec<u32> = live.iter().map(|(_, s)| s.pack).collect();
            keep.sort_unstable();
            keep.dedup();
            let renumber: HashMap<u32, u32> = keep
                .iter()
                .enumerate()
                .map(|(i, &p)| (p, i as u32))
                .collect();
            let names = keep.iter().map(|&p| packs[p as usize].clone()).collect();
            let live = live
                .into_iter()
                .map(|(k, mut s)| {
                    s.pack = renumber[&s.pack];
                    (k, s)
                })
                .collect();
            (names, live)
        };
        let index = Index {
            format: FORMAT.to_string(),
            packs: packs.clone(),
            slots: live,
        };
        let bytes = postcard::to_allocvec(&index).map_err(|e| err(std::io::Error::other(e)))?;
        let tmp = dir.join(format!(".{INDEX}.{}.tmp", std::process::id()));
        std::fs::write(&tmp, bytes).map_err(err)?;
        std::fs::rename(&tmp, dir.join(INDEX)).map_err(err)?;
        // Only now may old packs go: the index no longer points into them.
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for e in entries.filter_map(Result::ok) {
                let name = e.file_name().to_string_lossy().into_owned();
                let is_pack = name.starts_with("pack-") && name.ends_with(".bin");
                let stale_tmp = name.starts_with(&format!(".{INDEX}.")) && name.ends_with(".tmp");
                if (is_pack && !packs.contains(&name)) || stale_tmp {
                    let _ = std::fs::remove_file(e.path());
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::analyze;
    use crate::corpus::{Format, OutletSource};

    fn lex(dir: &Path) -> Lexicons {
        Lexicons::load_dir(dir).unwrap()
    }

    fn article(text: &str) -> Article {
        Article {
            id: "a1".into(),
            path: "x.txt".into(),
            line: None,
            format: Format::Text,
            text: text.into(),
            meta: Meta::default(),
            outlet_source: OutletSource::Unknown,
        }
    }

    fn entry(a: &Article, l: &Lexicons) -> ArticleEntry {
        let result = analyze(a, l).unwrap();
        ArticleEntry {
            row: crate::report::articles::row(&result, None, l).encode(),
            quote_rows: crate::report::quotes::rows(&result),
            result,
        }
    }

    #[test]
    fn entries_survive_a_commit_and_unused_ones_are_dropped() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let l = lex(&root.join("lexicons"));
        let d = tempfile::tempdir().unwrap();
        let a = article("Title\n\nTokyo said the talks were not constructive, officials said.");
        let mut b = a.clone();
        b.text.push_str(" More.");
        let c = Cache::open(d.path(), &l, "").unwrap();
        let (ka, kb) = (c.article_key(&a), c.article_key(&b));
        assert_ne!(ka, kb);
        assert!(c.article(ka).is_none());
        let (ea, eb) = (entry(&a, &l), entry(&b, &l));
        c.put(ka, &ea);
        c.put(kb, &eb);
        // Not readable before the commit: a failed run adds nothing.
        assert!(c.article(ka).is_none());
        c.commit(&[ka, kb].into_iter().collect()).unwrap();
        let c = Cache::open(d.path(), &l, "").unwrap();
        assert_eq!(c.article(ka), Some(ea.clone()));
        assert_eq!(c.article(kb), Some(eb));
        // A run that used only `a`: `b` goes, and the packs are compacted.
        c.commit(&[ka].into_iter().collect()).unwrap();
        let c = Cache::open(d.path(), &l, "").unwrap();
        assert_eq!(c.article(ka), Some(ea));
        assert!(c.article(kb).is_none());
        let packs = std::fs::read_dir(d.path())
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .starts_with("pack-")
            })
            .count();
        assert_eq!(packs, 1);
    }

    #[test]
    fn options_and_metadata_change_keys() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let l = lex(&root.join("lexicons"));
        let d = tempfile::tempdir().unwrap();
        let a = article("Some text.");
        let week = Cache::open(d.path(), &l, "week").unwrap();
        let month = Cache::open(d.path(), &l, "month").unwrap();
        assert_ne!(week.article_key(&a), month.article_key(&a));
        let mut m = a.clone();
        m.meta.outlet = Some("Other".into());
        assert_ne!(week.article_key(&m), week.article_key(&a));
    }

    #[test]
    fn a_corrupt_index_is_an_empty_cache() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let l = lex(&root.join("lexicons"));
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join(INDEX), b"garbage").unwrap();
        let c = Cache::open(d.path(), &l, "").unwrap();
        assert!(c.article(1).is_none());
        c.commit(&FxHashSet::default()).unwrap();
    }

    #[test]
    fn lexicon_fingerprint_ignores_comments_but_not_weights() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("lexicons");
        let d = tempfile::tempdir().unwrap();
        for e in std::fs::read_dir(&root).unwrap() {
            let p = e.unwrap().path();
            std::fs::copy(&p, d.path().join(p.file_name().unwrap())).unwrap();
        }
        let base = lexicon_fingerprint(&lex(d.path()));
        let stance = d.path().join("stance.tsv");
        let text = std::fs::read_to_string(&stance).unwrap();
        std::fs::write(&stance, format!("# a new comment\n{text}")).unwrap();
        assert_eq!(lexicon_fingerprint(&lex(d.path())), base);
        let first = text
            .lines()
            .find(|l| !l.starts_with('#') && !l.trim().is_empty() && !l.starts_with("term"))
            .unwrap();
        std::fs::write(&stance, text.replacen(first, "", 1)).unwrap();
        assert_ne!(lexicon_fingerprint(&lex(d.path())), base);
    }
}
