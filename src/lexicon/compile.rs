//! Compile: validated entries → one immutable matcher shared by all threads.
//!
//! Every term is tokenized and normalized exactly like article text and becomes a
//! pattern: a sequence of normalized words, the last one a prefix for a wildcard
//! (`cooperat*`). Identical patterns from different kinds share one pattern. Matching is
//! one pass over an article's tokens with one lookup per token: a per-thread memo maps
//! each normalized word to flat records of the patterns that start with it and the
//! wildcard prefixes it extends, behind a direct-mapped cache keyed by the word packed
//! into two integers (news vocabulary is small and repetitive, so nearly every lookup
//! hits the cache). The tokens that start something are then matched, and hits are
//! counted per entry as they are claimed. Candidates are resolved per kind: leftmost,
//! then longest (in tokens), exact before wildcard, longer prefix before shorter; a
//! token is counted at most once per kind, and no pattern spans a paragraph break.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};

use rustc_hash::FxHashMap;

use super::format::{Format, RawEntry, read_file};
use super::{Kind, Problem, Problems};
use crate::text::{TokenStream, tokenize};

/// A lexicon entry, as compiled.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub kind: Kind,
    /// Index into [`Lexicons::categories`] of this kind.
    pub category: u32,
    pub weight: f64,
    /// The term as written (with its `*` if a wildcard).
    pub term: String,
    pub tokens: u32,
    pub wildcard: bool,
    pub path: PathBuf,
    pub line: usize,
}

#[derive(Debug, Clone)]
struct Pattern {
    entries: Vec<u32>,
    /// The kind index of each of `entries`, so that matching never reads `Entry`.
    entry_kinds: Vec<u8>,
    /// Normalized words; the last is a prefix when `wildcard`.
    words: Vec<Box<str>>,
    /// `words` packed as integers where short enough (see [`pack`]), for the
    /// comparison of the words after the first.
    packed: Vec<Option<Key>>,
    tokens: u32,
    wildcard: bool,
    bytes: u32,
    kinds: u16,
}

/// What a normalized word can start: a range of the memo's `cands`, every pattern
/// that starts with the word or whose wildcard prefix the word extends, in match
/// priority order (or one entry, with [`SIMPLE`]). Most words start nothing
/// (`len` 0).
#[derive(Debug, Clone, Copy)]
struct WordInfo {
    start: u32,
    len: u32,
}

const NOTHING: WordInfo = WordInfo { start: 0, len: 0 };

/// Marks a [`WordInfo`] whose word is one whole pattern with a single entry (most
/// lexicon words): `start` is then the entry and the low bits of `len` its kind, so
/// the match needs no candidate record.
const SIMPLE: u32 = 1 << 31;

/// A pattern as the matching loop needs it, in one flat record: following the
/// pattern's vectors for every candidate cost more than the lookup itself.
#[derive(Debug, Clone, Copy)]
struct Cand {
    /// The second word packed, compared with the next token when `has_second`.
    second: Key,
    pattern: u32,
    tokens: u32,
    /// The entry, when `n_entries` is 1; else the start of its entries in
    /// `Lexicons::cand_entries`.
    entry: u32,
    n_entries: u16,
    kinds: u16,
    /// The kind index of the single entry.
    kind: u8,
    has_second: bool,
    /// Words remain to compare after the second ([`Lexicons::continues`]).
    needs_rest: bool,
    /// Set on the first record of a word's list only: how many of its candidates
    /// (the first ones) span several tokens, whether all of those name their second
    /// word (`has_second`), and a one-word Bloom filter of those second words. Many
    /// common words ("the", "is", "at") only start multi-word terms, and the next
    /// token rules them all out at once.
    n_multi: u16,
    can_reject: bool,
    seconds: u64,
}

/// The bit of a packed word in a [`Cand::seconds`] filter.
#[inline]
fn bloom_bit(k: Key) -> u64 {
    1 << (key_hash(k) >> 58)
}

/// Words a thread remembers before starting afresh.
const MEMO_CAP: usize = 1 << 20;

#[derive(Default)]
struct Memo {
    lexicons: u64,
    /// Words of up to fifteen bytes, packed into integers (nearly all news tokens):
    /// an integer key hashes and compares far faster than a string.
    short: FxHashMap<Key, WordInfo>,
    words: FxHashMap<Box<str>, WordInfo>,
    /// The candidates of remembered words (ranges named by `WordInfo`).
    cands: Vec<Cand>,
    /// Scratch: the tokens of the article being matched that start something, and
    /// its hits per entry.
    found: Vec<(u32, WordInfo)>,
    counter: Counter,
    /// A small direct-mapped cache in front of `short`: news vocabulary is Zipfian,
    /// and one multiply and one compare beat a hash-table probe.
    recent: Vec<(Key, WordInfo)>,
}

const RECENT_BITS: u32 = 14;

/// A word of 1 to 15 bytes as two integers: its bytes, zero-padded, with the length
/// in the top byte (so no two words collide). Nearly every news word fits.
type Key = (u64, u64);

#[inline]
fn pack(word: &str) -> Option<Key> {
    pack_bytes(word.as_bytes())
}

fn pack_bytes(b: &[u8]) -> Option<Key> {
    if b.is_empty() || b.len() > 15 {
        return None;
    }
    let mut buf = [0u8; 16];
    buf[..b.len()].copy_from_slice(b);
    buf[15] = b.len() as u8;
    let (lo, hi) = buf.split_at(8);
    Some((
        u64::from_le_bytes(lo.try_into().expect("eight bytes")),
        u64::from_le_bytes(hi.try_into().expect("eight bytes")),
    ))
}

/// [`pack`] of `buf[start..end]`, with wide unaligned loads where sixteen bytes are
/// available: a byte-wise copy followed by a wide load stalls on store forwarding,
/// and this runs once per token.
#[inline]
fn pack_at(buf: &[u8], start: usize, end: usize) -> Option<Key> {
    let len = end - start;
    if len == 0 || len > 15 {
        return None;
    }
    match buf.get(start..start + 16) {
        Some(b) => {
            let lo = u64::from_le_bytes(b[..8].try_into().expect("eight bytes"));
            let hi = u64::from_le_bytes(b[8..].try_into().expect("eight bytes"));
            // Masks without branches: word lengths vary unpredictably.
            let lo_mask = u64::MAX >> (64 - 8 * len.min(8));
            let hi_mask = (1u64 << (8 * len.saturating_sub(8))) - 1;
            Some((lo & lo_mask, (hi & hi_mask) | ((len as u64) << 56)))
        }
        None => pack_bytes(&buf[start..end]),
    }
}

/// A hash of a packed word, good in its top bits.
#[inline]
fn key_hash(k: Key) -> u64 {
    (k.0 ^ k.1.rotate_left(29)).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// The word cache slot of a packed word.
#[inline]
fn slot_of(k: Key) -> usize {
    (key_hash(k) >> (64 - RECENT_BITS)) as usize
}

thread_local! {
    static MEMO: RefCell<Memo> = RefCell::new(Memo::default());
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// A resolved match: entry `entry` covers tokens `start..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub entry: u32,
    pub start: u32,
    pub end: u32,
}

/// The hits of one article, per kind, in token order.
#[derive(Debug, Clone, Default)]
pub struct Matches {
    pub by_kind: [Vec<Hit>; Kind::ALL.len()],
    /// (entry id, hits) of every entry that matched, by entry id.
    pub term_hits: Vec<(u32, u32)>,
}

/// Hits per entry, counted as they are found: a dense array (all zero between
/// articles) read back in id order through a bitset of the entries hit, so nothing
/// is sorted and the hits are not walked twice.
#[derive(Default)]
struct Counter {
    counts: Vec<u32>,
    seen: Vec<u64>,
}

impl Counter {
    fn ready(&mut self, entries: usize) {
        if self.counts.len() < entries {
            self.counts.resize(entries, 0);
            self.seen.resize(entries.div_ceil(64), 0);
        }
    }

    #[inline]
    fn add(&mut self, e: u32) {
        let e = e as usize;
        self.counts[e] += 1;
        self.seen[e / 64] |= 1 << (e % 64);
    }

    /// The counts so far, by entry id; leaves the counter empty.
    fn take(&mut self) -> Vec<(u32, u32)> {
        let distinct = self.seen.iter().map(|b| b.count_ones() as usize).sum();
        let mut out = Vec::with_capacity(distinct);
        for (w, bits) in self.seen.iter_mut().enumerate() {
            let mut b = std::mem::take(bits);
            while b != 0 {
                let e = w * 64 + b.trailing_zeros() as usize;
                b &= b - 1;
                out.push((e as u32, std::mem::take(&mut self.counts[e])));
            }
        }
        out
    }
}

impl Matches {
    pub fn of(&self, kind: Kind) -> &[Hit] {
        &self.by_kind[kind.index()]
    }

    /// The hits of `kind` that lie wholly inside tokens `toks`.
    pub fn within(&self, kind: Kind, toks: std::ops::Range<usize>) -> impl Iterator<Item = &Hit> {
        let hits = self.of(kind);
        let from = hits.partition_point(|h| (h.start as usize) < toks.start);
        hits[from..]
            .iter()
            .take_while(move |h| (h.start as usize) < toks.end)
            .filter(move |h| (h.end as usize) <= toks.end)
    }
}

/// All lexicons of a run, compiled.
#[derive(Debug, Clone)]
pub struct Lexicons {
    /// Sorted by kind name, category, term: the order of `terms.csv`.
    pub entries: Vec<Entry>,
    /// (weight, category) of each entry, packed: scoring reads these for every hit,
    /// and `Entry` spreads them over two cache lines.
    weights: Vec<(f64, u32)>,
    categories: Vec<Vec<String>>,
    patterns: Vec<Pattern>,
    /// Patterns whose first word is exact, by that word: an index into `first_lists`,
    /// each list in match-priority order.
    first: FxHashMap<Box<str>, u32>,
    first_lists: Vec<Vec<u32>>,
    /// One matching record per pattern, and the (entry, kind) lists of patterns
    /// with several entries.
    cands: Vec<Cand>,
    cand_entries: Vec<(u32, u8)>,
    /// Single-word wildcard patterns by prefix, and the prefix lengths present
    /// (longest first).
    wild: FxHashMap<Box<str>, Vec<u32>>,
    wild_lens: Vec<usize>,
    /// Token kinds some pattern can start with (bit per `TokenKind`); others are
    /// never looked up.
    start_kinds: u8,
    /// Tells thread memos of different lexicons apart.
    id: u64,
    /// Things worth knowing that do not stop a run (shadowed or repeated entries).
    pub warnings: Vec<Problem>,
    /// The files read, in order.
    pub files: Vec<PathBuf>,
}

/// Entries of one file, with the kind and format they were read as.
pub struct Source {
    pub kind: Kind,
    pub path: PathBuf,
    pub format: Format,
    pub entries: Vec<RawEntry>,
}

impl Lexicons {
    /// Reads and compiles every lexicon in `dir`. All problems are returned together.
    pub fn load_dir(dir: &Path) -> Result<Lexicons, Problems> {
        let mut problems = Vec::new();
        let mut sources = Vec::new();
        let mut files = Vec::new();
        if !dir.is_dir() {
            return Err(Problems(vec![Problem {
                path: dir.to_path_buf(),
                line: 0,
                message: "lexicon folder does not exist: pass one with --lexicons".into(),
            }]));
        }
        for (kind, path) in lexicon_files(dir, &mut problems) {
            let f = read_file(&path, kind, None, &mut problems);
            files.push(path.clone());
            sources.push(Source {
                kind,
                path,
                format: f.format,
                entries: f.entries,
            });
        }
        let mut lex = Lexicons::compile(sources, &mut problems);
        lex.files = files;
        if problems.is_empty() {
            Ok(lex)
        } else {
            Err(Problems(problems))
        }
    }

    /// Reads one file as the given kind (for `slant sentiment --lexicon FILE`).
    pub fn load_file(
        path: &Path,
        kind: Kind,
        format: Option<Format>,
    ) -> Result<Lexicons, Problems> {
        let mut problems = Vec::new();
        let f = read_file(path, kind, format, &mut problems);
        let mut lex = Lexicons::compile(
            vec![Source {
                kind,
                path: path.to_path_buf(),
                format: f.format,
                entries: f.entries,
            }],
            &mut problems,
        );
        lex.files = vec![path.to_path_buf()];
        if problems.is_empty() {
            Ok(lex)
        } else {
            Err(Problems(problems))
        }
    }

    /// Normalizes, checks for duplicates and builds the matcher.
    pub fn compile(sources: Vec<Source>, problems: &mut Vec<Problem>) -> Lexicons {
        let mut warnings = Vec::new();
        // (kind, pattern, category or "" for sentiment) → position in `kept`
        let mut seen: HashMap<(Kind, String, String), usize> = HashMap::new();
        let mut kept: Vec<(Entry, String)> = Vec::new();
        for src in sources {
            let lenient = src.format == Format::Vader;
            for raw in src.entries {
                let Some((pattern, tokens)) = pattern_of(&raw.term, raw.wildcard) else {
                    problems.push(Problem {
                        path: src.path.clone(),
                        line: raw.line,
                        message: format!("term '{}' has no words after normalization", raw.term),
                    });
                    continue;
                };
                let cat_key = if src.kind == Kind::Sentiment {
                    String::new()
                } else {
                    raw.category.clone()
                };
                let key = (src.kind, pattern.clone(), cat_key);
                let entry = Entry {
                    kind: src.kind,
                    category: 0,
                    weight: raw.weight,
                    term: if raw.wildcard {
                        format!("{}*", raw.term)
                    } else {
                        raw.term.clone()
                    },
                    tokens,
                    wildcard: raw.wildcard,
                    path: src.path.clone(),
                    line: raw.line,
                };
                if let Some(&i) = seen.get(&key) {
                    let first = &kept[i].0;
                    let at = format!("{}:{}", first.path.display(), first.line);
                    let here = Problem {
                        path: src.path.clone(),
                        line: raw.line,
                        message: String::new(),
                    };
                    if lenient {
                        warnings.push(Problem {
                            message: format!(
                                "'{}' repeats {at}; the later weight {} wins (as in VADER)",
                                entry.term, entry.weight
                            ),
                            ..here
                        });
                        kept[i].0.weight = entry.weight;
                    } else if first.weight == entry.weight {
                        warnings.push(Problem {
                            message: format!(
                                "'{}' repeats {at} with the same weight: remove one",
                                entry.term
                            ),
                            ..here
                        });
                    } else {
                        problems.push(Problem {
                            message: format!(
                                "duplicate term '{}' with weight {} (first at {at} with weight {}): keep one",
                                entry.term, entry.weight, first.weight
                            ),
                            ..here
                        });
                    }
                    continue;
                }
                seen.insert(key, kept.len());
                let category = raw.category;
                kept.push((entry, pattern + "\u{0}" + &category));
            }
        }
        // Categories per kind, sorted, and entries in report order.
        let mut categories: Vec<Vec<String>> = vec![Vec::new(); Kind::ALL.len()];
        for (e, pc) in &kept {
            let cat = pc.split('\u{0}').nth(1).unwrap_or("").to_string();
            categories[e.kind.index()].push(cat);
        }
        for c in &mut categories {
            c.sort();
            c.dedup();
        }
        let mut items: Vec<(Entry, String, String)> = kept
            .into_iter()
            .map(|(mut e, pc)| {
                let mut parts = pc.splitn(2, '\u{0}');
                let pattern = parts.next().unwrap_or("").to_string();
                let cat = parts.next().unwrap_or("").to_string();
                e.category = categories[e.kind.index()]
                    .binary_search(&cat)
                    .expect("category listed") as u32;
                (e, pattern, cat)
            })
            .collect();
        items.sort_by(|a, b| {
            (a.0.kind.name(), &a.2, &a.0.term, &a.0.path, a.0.line).cmp(&(
                b.0.kind.name(),
                &b.2,
                &b.0.term,
                &b.0.path,
                b.0.line,
            ))
        });
        let mut patterns: Vec<Pattern> = Vec::new();
        let mut texts: Vec<String> = Vec::new();
        let mut by_text: HashMap<String, usize> = HashMap::new();
        let mut entries = Vec::with_capacity(items.len());
        for (id, (e, pattern, _)) in items.into_iter().enumerate() {
            let p = *by_text.entry(pattern.clone()).or_insert_with(|| {
                texts.push(pattern.clone());
                let words: Vec<Box<str>> = pattern
                    .split(' ')
                    .filter(|w| !w.is_empty())
                    .map(Box::from)
                    .collect();
                patterns.push(Pattern {
                    entries: Vec::new(),
                    entry_kinds: Vec::new(),
                    packed: words.iter().map(|w| pack(w)).collect(),
                    words,
                    tokens: e.tokens,
                    wildcard: e.wildcard,
                    bytes: pattern.len() as u32,
                    kinds: 0,
                });
                patterns.len() - 1
            });
            patterns[p].entries.push(id as u32);
            patterns[p].entry_kinds.push(e.kind.index() as u8);
            patterns[p].kinds |= 1 << e.kind.index();
            entries.push(e);
        }
        warnings.extend(shadowed(&entries, &texts, &patterns));
        let mut first: FxHashMap<Box<str>, u32> = FxHashMap::default();
        let mut first_lists: Vec<Vec<u32>> = Vec::new();
        let mut wild: FxHashMap<Box<str>, Vec<u32>> = FxHashMap::default();
        for (i, p) in patterns.iter().enumerate() {
            if p.wildcard && p.tokens == 1 {
                wild.entry(p.words[0].clone()).or_default().push(i as u32);
            } else {
                let next = first_lists.len() as u32;
                let slot = *first.entry(p.words[0].clone()).or_insert(next);
                if slot == next {
                    first_lists.push(Vec::new());
                }
                first_lists[slot as usize].push(i as u32);
            }
        }
        for list in &mut first_lists {
            list.sort_by(|&a, &b| priority(&patterns[a as usize], &patterns[b as usize]));
        }
        let start_kinds = patterns
            .iter()
            .fold(0u8, |acc, p| acc | kind_bit(&p.words[0]));
        let mut cand_entries = Vec::new();
        let cands = patterns
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let second = p.packed.get(1).copied().flatten();
                let has_second = second.is_some() && !(p.wildcard && p.tokens == 2);
                let entry = if p.entries.len() == 1 {
                    p.entries[0]
                } else {
                    let at = cand_entries.len() as u32;
                    cand_entries
                        .extend(p.entries.iter().copied().zip(p.entry_kinds.iter().copied()));
                    at
                };
                Cand {
                    second: second.unwrap_or((0, 0)),
                    pattern: i as u32,
                    tokens: p.tokens,
                    entry,
                    n_entries: p.entries.len() as u16,
                    kinds: p.kinds,
                    kind: p.entry_kinds[0],
                    has_second,
                    needs_rest: p.tokens > 2 || (p.tokens == 2 && !has_second),
                    n_multi: 0,
                    can_reject: false,
                    seconds: 0,
                }
            })
            .collect();
        let mut wild_lens: Vec<usize> = wild.keys().map(|k| k.len()).collect();
        wild_lens.sort_unstable_by(|a, b| b.cmp(a));
        wild_lens.dedup();
        Lexicons {
            weights: entries.iter().map(|e| (e.weight, e.category)).collect(),
            entries,
            categories,
            patterns,
            first,
            first_lists,
            cands,
            cand_entries,
            wild,
            wild_lens,
            start_kinds,
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            warnings,
            files: Vec::new(),
        }
    }

    /// The weight and category index of entry `e`.
    #[inline]
    pub fn weight_of(&self, e: u32) -> (f64, usize) {
        let (w, c) = self.weights[e as usize];
        (w, c as usize)
    }

    /// Sorted category names of a kind (stance axes, frames, targets).
    pub fn categories(&self, kind: Kind) -> &[String] {
        &self.categories[kind.index()]
    }

    pub fn category_of(&self, entry: &Entry) -> &str {
        &self.categories[entry.kind.index()][entry.category as usize]
    }

    pub fn has(&self, kind: Kind) -> bool {
        self.entries.iter().any(|e| e.kind == kind)
    }

    /// Matches all lexicons against an article's tokens in one pass.
    pub fn match_tokens(&self, ts: &TokenStream) -> Matches {
        let mut out = Matches::default();
        if self.patterns.is_empty() {
            return out;
        }
        // Frames and stance terms hit about one token in ten in news: room for that
        // spares the vectors a grow-and-copy while matching (capped, so that a huge
        // article does not reserve megabytes for kinds that seldom hit).
        for v in &mut out.by_kind {
            v.reserve((ts.tokens.len() / 8).min(4096));
        }
        let norm = ts.norm.as_bytes();
        MEMO.with(|memo| {
            let mut memo = memo.borrow_mut();
            if memo.lexicons != self.id || memo.words.len() + memo.short.len() > MEMO_CAP {
                memo.lexicons = self.id;
                memo.short.clear();
                memo.words.clear();
                memo.cands.clear();
                memo.recent.clear();
                memo.recent.resize(1 << RECENT_BITS, ((0, 0), NOTHING));
            }
            // Two passes: look every token up, keeping those that start something
            // without a branch (about half do, unpredictably), then match those.
            let mut found = std::mem::take(&mut memo.found);
            let mut counter = std::mem::take(&mut memo.counter);
            counter.ready(self.entries.len());
            if found.len() < ts.tokens.len() {
                found.resize(ts.tokens.len(), (0, NOTHING));
            }
            let mut n = 0;
            // Out of the memo for the loop, as an array of known size: no reloads of
            // its address and no bounds checks in the hottest line.
            let mut recent_vec = std::mem::take(&mut memo.recent);
            let recent: &mut [(Key, WordInfo); 1 << RECENT_BITS] = (&mut recent_vec[..])
                .try_into()
                .expect("the cache has its fixed size");
            for (i, t) in ts.tokens.iter().enumerate() {
                if self.start_kinds & (1 << t.kind as u8) == 0 {
                    continue;
                }
                let (a, b) = (t.norm_start as usize, t.norm_end as usize);
                let info = match pack_at(norm, a, b) {
                    Some(k) => {
                        let slot = slot_of(k);
                        let (key, info) = recent[slot];
                        if key == k {
                            info
                        } else {
                            let info = match memo.short.get(&k).copied() {
                                Some(info) => info,
                                None => self.learn(&mut memo, ts.norm(t)),
                            };
                            recent[slot] = (k, info);
                            info
                        }
                    }
                    None => {
                        let word = ts.norm(t);
                        match memo.words.get(word).copied() {
                            Some(info) => info,
                            None => self.learn(&mut memo, word),
                        }
                    }
                };
                found[n] = (i as u32, info);
                n += usize::from(info.len != 0);
            }
            memo.recent = recent_vec;
            let mut next_free = [0u32; Kind::ALL.len()];
            for &(i, info) in &found[..n] {
                let start = i;
                if info.len & SIMPLE != 0 {
                    let ki = (info.len & !SIMPLE) as usize;
                    // One token, the word's only candidate: it blocks nothing after it,
                    // so `next_free` can stay behind it.
                    if start >= next_free[ki] {
                        out.by_kind[ki].push(Hit {
                            entry: info.start,
                            start,
                            end: start + 1,
                        });
                        counter.add(info.start);
                    }
                    continue;
                }
                let (i, t) = (i as usize, &ts.tokens[i as usize]);
                // The next token of the paragraph, packed once for all candidates.
                let next = || {
                    ts.tokens
                        .get(i + 1)
                        .filter(|n| n.norm_start == t.norm_end + 1)
                };
                let mut next_key = None;
                let list = &memo.cands[info.start as usize..(info.start + info.len) as usize];
                let mut from = 0;
                let head = &list[0];
                if head.n_multi > 0 && head.can_reject {
                    let ruled_out = match next() {
                        None => true,
                        Some(n) => {
                            let k = pack_at(norm, n.norm_start as usize, n.norm_end as usize);
                            next_key = Some(k);
                            // A word too long to pack equals no packed second word.
                            k.is_none_or(|k| head.seconds & bloom_bit(k) == 0)
                        }
                    };
                    if ruled_out {
                        from = usize::from(head.n_multi);
                    }
                }
                for c in &list[from..] {
                    if c.tokens > 1 {
                        let Some(n) = next() else { continue };
                        if c.has_second {
                            let got = *next_key.get_or_insert_with(|| {
                                pack_at(norm, n.norm_start as usize, n.norm_end as usize)
                            });
                            if got != Some(c.second) {
                                continue;
                            }
                        }
                        if c.needs_rest
                            && !self.continues(&self.patterns[c.pattern as usize], ts, i)
                        {
                            continue;
                        }
                    }
                    let span = (start, start + c.tokens);
                    self.claim(c, span, &mut next_free, &mut out, &mut counter);
                }
            }
            memo.found = found;
            out.term_hits = counter.take();
            memo.counter = counter;
        });
        out
    }
    /// Records candidate `c` at tokens `start..end` for each of its kinds whose
    /// earlier matches end before `start` (leftmost-longest, one match per token).
    #[inline]
    fn claim(
        &self,
        c: &Cand,
        (start, end): (u32, u32),
        next_free: &mut [u32; Kind::ALL.len()],
        out: &mut Matches,
        counter: &mut Counter,
    ) {
        if c.n_entries == 1 {
            let ki = c.kind as usize;
            if start >= next_free[ki] {
                next_free[ki] = end;
                out.by_kind[ki].push(Hit {
                    entry: c.entry,
                    start,
                    end,
                });
                counter.add(c.entry);
            }
            return;
        }
        let mut kinds = c.kinds;
        let mut claimed = 0u16;
        while kinds != 0 {
            let ki = kinds.trailing_zeros() as usize;
            kinds &= kinds - 1;
            if start >= next_free[ki] {
                next_free[ki] = end;
                claimed |= 1 << ki;
            }
        }
        let list = &self.cand_entries[c.entry as usize..c.entry as usize + c.n_entries as usize];
        for &(e, ki) in list {
            if claimed & (1 << ki) != 0 {
                out.by_kind[ki as usize].push(Hit {
                    entry: e,
                    start,
                    end,
                });
                counter.add(e);
            }
        }
    }

    /// Looks a word up for the first time on this thread and remembers it.
    fn learn(&self, memo: &mut Memo, word: &str) -> WordInfo {
        let start = memo.cands.len() as u32;
        if let Some(&f) = self.first.get(word) {
            for &p in &self.first_lists[f as usize] {
                memo.cands.push(self.cands[p as usize]);
            }
        }
        // One-word wildcards rank below every exact list entry (fewer tokens, or as
        // few but not exact), longest prefix first.
        for &len in &self.wild_lens {
            if len <= word.len()
                && word.is_char_boundary(len)
                && let Some(ids) = self.wild.get(&word[..len])
            {
                for &p in ids {
                    memo.cands.push(self.cands[p as usize]);
                }
            }
        }
        let len = memo.cands.len() as u32 - start;
        let only = memo.cands[start as usize..].first().copied();
        let info = match only {
            Some(c) if len == 1 && c.tokens == 1 && c.n_entries == 1 => {
                memo.cands.truncate(start as usize);
                WordInfo {
                    start: c.entry,
                    len: SIMPLE | u32::from(c.kind),
                }
            }
            _ => {
                let list = &mut memo.cands[start as usize..];
                let n_multi = list.iter().take_while(|c| c.tokens > 1).count();
                let multi = &list[..n_multi];
                let can_reject = multi.iter().all(|c| c.has_second);
                let seconds = multi.iter().fold(0, |b, c| b | bloom_bit(c.second));
                if let Some(head) = list.first_mut() {
                    head.n_multi = n_multi as u16;
                    head.can_reject = can_reject;
                    head.seconds = seconds;
                }
                WordInfo { start, len }
            }
        };
        match pack(word) {
            Some(k) => {
                memo.short.insert(k, info);
            }
            None => {
                memo.words.insert(Box::from(word), info);
            }
        }
        info
    }

    /// Whether the words after the first of `pat` follow token `i`, in the same
    /// paragraph.
    fn continues(&self, pat: &Pattern, ts: &TokenStream, i: usize) -> bool {
        let n = pat.words.len();
        if i + n > ts.tokens.len() {
            return false;
        }
        for j in 1..n {
            let (prev, t) = (&ts.tokens[i + j - 1], &ts.tokens[i + j]);
            if t.norm_start != prev.norm_end + 1 {
                return false; // a paragraph break lies between them
            }
            let want = &*pat.words[j];
            let ok = if pat.wildcard && j == n - 1 {
                ts.norm(t).starts_with(want)
            } else if let Some(k) = pat.packed[j] {
                pack_at(
                    ts.norm.as_bytes(),
                    t.norm_start as usize,
                    t.norm_end as usize,
                ) == Some(k)
            } else {
                ts.norm(t) == want
            };
            if !ok {
                return false;
            }
        }
        // The first word matched by the lookup that found this pattern.
        true
    }
}

/// The bit of the token kind a normalized word tokenizes to.
fn kind_bit(word: &str) -> u8 {
    let mut ts = TokenStream::default();
    tokenize(word, 0..word.len(), &mut ts);
    ts.tokens.first().map_or(0, |t| 1 << t.kind as u8)
}

/// Match priority among patterns starting at one token: more tokens, then exact
/// before wildcard, then the longer pattern.
fn priority(a: &Pattern, b: &Pattern) -> std::cmp::Ordering {
    b.tokens
        .cmp(&a.tokens)
        .then(a.wildcard.cmp(&b.wildcard))
        .then(b.bytes.cmp(&a.bytes))
}

/// The matcher pattern of a term: its normalized tokens, each surrounded by spaces,
/// without the closing space for a wildcard. `None` if the term has no tokens.
pub fn pattern_of(term: &str, wildcard: bool) -> Option<(String, u32)> {
    let mut ts = TokenStream::default();
    tokenize(term, 0..term.len(), &mut ts);
    if ts.tokens.is_empty() {
        return None;
    }
    let mut p = ts.norm;
    if wildcard {
        p.pop();
    }
    Some((p, ts.tokens.len() as u32))
}

/// Entries that another entry of the same kind overrides on some words: an exact term
/// inside a wildcard's reach, or a longer wildcard inside a shorter one's.
fn shadowed(entries: &[Entry], texts: &[String], patterns: &[Pattern]) -> Vec<Problem> {
    let mut out = Vec::new();
    let wild: Vec<usize> = (0..patterns.len())
        .filter(|&i| patterns[i].wildcard)
        .collect();
    for (i, p) in patterns.iter().enumerate() {
        for &w in &wild {
            if w == i || patterns[w].tokens != p.tokens || !texts[i].starts_with(&texts[w]) {
                continue;
            }
            for &e in &p.entries {
                for &we in &patterns[w].entries {
                    let (a, b) = (&entries[e as usize], &entries[we as usize]);
                    if a.kind == b.kind && (a.category == b.category || a.kind == Kind::Sentiment) {
                        out.push(Problem {
                            path: b.path.clone(),
                            line: b.line,
                            message: format!(
                                "{} '{}' is shadowed by '{}' ({}:{}) on the words that match both: the more specific entry wins",
                                b.kind.name(),
                                b.term,
                                a.term,
                                a.path.display(),
                                a.line
                            ),
                        });
                    }
                }
            }
        }
    }
    out
}

/// The lexicon files under `dir` with their kinds, sorted by path. README and Markdown
/// files are documentation; other unknown names are problems.
fn lexicon_files(dir: &Path, problems: &mut Vec<Problem>) -> Vec<(Kind, PathBuf)> {
    let mut out = Vec::new();
    let mut entries: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(Result::ok).map(|e| e.path()).collect(),
        Err(e) => {
            problems.push(Problem {
                path: dir.to_path_buf(),
                line: 0,
                message: format!("cannot read the lexicon folder: {e}"),
            });
            return out;
        }
    };
    entries.sort();
    for path in entries {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with('.') || is_doc(&name) {
            continue;
        }
        if path.is_dir() {
            let Some(kind) = Kind::from_name(&name) else {
                problems.push(unknown_kind(&path, &name));
                continue;
            };
            let mut inner: Vec<PathBuf> = std::fs::read_dir(&path)
                .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
                .unwrap_or_default();
            inner.sort();
            for p in inner {
                let n = p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                if p.is_file() && !n.starts_with('.') && !is_doc(&n) && is_lexicon_ext(&p) {
                    out.push((kind, p));
                }
            }
        } else if is_lexicon_ext(&path) {
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            match Kind::from_name(&stem) {
                Some(kind) => out.push((kind, path)),
                None => problems.push(unknown_kind(&path, &stem)),
            }
        }
    }
    out
}

fn is_doc(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.starts_with("readme") || lower.starts_with("license") || lower.ends_with(".md")
}

fn is_lexicon_ext(p: &Path) -> bool {
    p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        matches!(
            e.to_ascii_lowercase().as_str(),
            "tsv" | "csv" | "txt" | "dic"
        )
    })
}

fn unknown_kind(path: &Path, name: &str) -> Problem {
    Problem {
        path: path.to_path_buf(),
        line: 1,
        message: format!(
            "unknown lexicon kind '{name}': name the file (or its folder) after one of {}",
            Kind::names()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokenize;

    fn lex(files: &[(&str, &str)]) -> Result<Lexicons, Problems> {
        let d = tempfile::tempdir().unwrap();
        for (n, body) in files {
            let p = d.path().join(n);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, body).unwrap();
        }
        Lexicons::load_dir(d.path())
    }

    fn hits(l: &Lexicons, kind: Kind, text: &str) -> Vec<(String, String)> {
        let mut ts = TokenStream::default();
        tokenize(text, 0..text.len(), &mut ts);
        l.match_tokens(&ts)
            .of(kind)
            .iter()
            .map(|h| {
                let e = &l.entries[h.entry as usize];
                let covered = &text[ts.tokens[h.start as usize].start as usize
                    ..ts.tokens[h.end as usize - 1].end as usize];
                (e.term.clone(), covered.to_string())
            })
            .collect()
    }

    /// The matching rules written the slow, obvious way: for each kind, each token
    /// left to right, every entry compared word by word; the best (most tokens, exact
    /// before wildcard, longer) wins unless an earlier match of the kind covers it.
    fn reference_matches(l: &Lexicons, ts: &TokenStream) -> Matches {
        let words: Vec<(Vec<String>, bool)> = l
            .entries
            .iter()
            .map(|e| {
                let term = e.term.strip_suffix('*').unwrap_or(&e.term);
                let (p, _) = pattern_of(term, e.wildcard).unwrap();
                (
                    p.split(' ')
                        .filter(|w| !w.is_empty())
                        .map(String::from)
                        .collect(),
                    e.wildcard,
                )
            })
            .collect();
        let matches_at = |e: usize, i: usize| {
            let (ws, wild) = &words[e];
            if i + ws.len() > ts.tokens.len() {
                return false;
            }
            ws.iter().enumerate().all(|(j, w)| {
                let t = &ts.tokens[i + j];
                let same_paragraph = j == 0 || t.norm_start == ts.tokens[i + j - 1].norm_end + 1;
                let got = ts.norm(t);
                same_paragraph
                    && if *wild && j == ws.len() - 1 {
                        got.starts_with(w.as_str())
                    } else {
                        got == w
                    }
            })
        };
        let mut out = Matches::default();
        for kind in Kind::ALL {
            let of_kind: Vec<usize> = (0..l.entries.len())
                .filter(|&e| l.entries[e].kind == kind)
                .collect();
            let mut free = 0;
            for i in 0..ts.tokens.len() {
                let found: Vec<usize> = of_kind
                    .iter()
                    .copied()
                    .filter(|&e| matches_at(e, i))
                    .collect();
                let rank = |e: usize| {
                    let (ws, wild) = &words[e];
                    (
                        ws.len(),
                        !*wild,
                        ws.iter().map(|w| w.len() + 1).sum::<usize>(),
                    )
                };
                let Some(best) = found.iter().map(|&e| rank(e)).max() else {
                    continue;
                };
                if i < free {
                    continue;
                }
                for e in found.into_iter().filter(|&e| rank(e) == best) {
                    let end = (i + words[e].0.len()) as u32;
                    free = end as usize;
                    out.by_kind[kind.index()].push(Hit {
                        entry: e as u32,
                        start: i as u32,
                        end,
                    });
                }
            }
        }
        out
    }

    /// The fast matcher (memo, word cache, packed keys, flat candidates) against the
    /// reference on random text made of lexicon words, their extensions, long and
    /// non-ASCII words, punctuation and paragraph breaks.
    #[test]
    fn fast_matcher_agrees_with_the_reference_rules() {
        let shipped =
            Lexicons::load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("lexicons")).unwrap();
        let tricky = lex(&[
            (
                "stance.tsv",
                "mutual trust\tengagement\t1\nmutual\tengagement\t0.5\nmutual trust\tconfrontation\t-1\n\
                 cooperat*\tengagement\t1\ncoop*\tconfrontation\t-0.5\nstrategic relationship of mutual benefit\tengagement\t2\n\
                 internationalization\tengagement\t1\njoint milit*\tconfrontation\t-1\nthe two sides\tengagement\t1\n\
                 counterproductively harmful\tconfrontation\t-1\ncafé\tengagement\t1\n",
            ),
            ("sentiment.tsv", "trust\tgeneral\t1.5\ncoop\tgeneral\t0.5\nharm*\tgeneral\t-2\nmutual\tgeneral\t0.3\n"),
            ("frames/security.tsv", "joint military drills\tsecurity\t1\nmilitary\tsecurity\t1\n"),
            ("negators.tsv", "not\t-0.74\nno longer\t-0.74\n"),
        ])
        .unwrap();
        let mut pool: Vec<String> = Vec::new();
        for l in [&shipped, &tricky] {
            for e in &l.entries {
                let term = e.term.trim_end_matches('*').to_string();
                for w in term.split_whitespace() {
                    pool.push(w.to_string());
                    if e.wildcard {
                        pool.push(format!("{w}ion"));
                        pool.push(format!("{w}s"));
                    }
                }
                pool.push(term);
            }
        }
        for w in [
            "the",
            "of",
            ",",
            ".",
            "\u{201c}",
            "Japan's",
            "internationalizations",
            "counterproductively",
            "CAFÉ",
            "co-op",
            "2024",
            "\n\n",
            "\n\n",
            "U.S.",
        ] {
            pool.push(w.to_string());
        }
        pool.sort();
        pool.dedup();
        let mut next = crate::testutil::rng(0x2545_F491_4F6C_DD1D);
        for l in [&shipped, &tricky] {
            for _ in 0..40 {
                let mut text = String::new();
                for _ in 0..500 {
                    text.push_str(&pool[next(pool.len())]);
                    text.push(' ');
                }
                let mut ts = TokenStream::default();
                for para in text.split("\n\n") {
                    let at = para.as_ptr() as usize - text.as_ptr() as usize;
                    ts.paragraph_break();
                    tokenize(&text, at..at + para.len(), &mut ts);
                }
                let fast = l.match_tokens(&ts);
                let slow = reference_matches(l, &ts);
                for kind in Kind::ALL {
                    assert_eq!(fast.of(kind), slow.of(kind), "{kind:?} in {text:?}");
                }
                let mut counts = std::collections::BTreeMap::new();
                for h in slow.by_kind.iter().flatten() {
                    *counts.entry(h.entry).or_insert(0u32) += 1;
                }
                let counts: Vec<(u32, u32)> = counts.into_iter().collect();
                assert_eq!(fast.term_hits, counts);
            }
        }
    }

    #[test]
    fn longest_match_wins_and_wildcards_yield_to_exact_terms() {
        let l = lex(&[(
            "stance.tsv",
            "trust\tengagement\t1\nmutual trust\tengagement\t2\ncooperat*\tengagement\t1\ncooperation\tengagement\t1.5\ncoop*\tengagement\t0.5\n",
        )])
        .unwrap();
        let got = hits(
            &l,
            Kind::Stance,
            "Mutual trust and trust; cooperation, cooperative COOPERATING, coop.",
        );
        let terms: Vec<&str> = got.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(
            terms,
            [
                "mutual trust",
                "trust",
                "cooperation",
                "cooperat*",
                "cooperat*",
                "coop*"
            ]
        );
        assert_eq!(got[0].1, "Mutual trust");
        // shadowing is listed for `lexicon check`
        assert!(l.warnings.iter().any(|w| {
            w.message
                .contains("'cooperat*' is shadowed by 'cooperation'")
        }));
    }

    #[test]
    fn kinds_match_independently_in_one_pass() {
        let l = lex(&[
            ("sentiment.tsv", "trust\tgeneral\t2.3\n"),
            ("stance.tsv", "mutual trust\tengagement\t2\n"),
            ("targets.tsv", "Japan\tjapan\nJapanese\tjapan\n"),
        ])
        .unwrap();
        let text = "Japan's mutual trust with Japanese firms";
        assert_eq!(
            hits(&l, Kind::Sentiment, text),
            [("trust".to_string(), "trust".to_string())]
        );
        assert_eq!(hits(&l, Kind::Stance, text).len(), 1);
        assert_eq!(
            hits(&l, Kind::Targets, text).len(),
            2,
            "possessive and adjective both match"
        );
    }

    #[test]
    fn terms_normalize_like_text() {
        let l = lex(&[(
            "sentiment.tsv",
            "don’t WORRY\tgeneral\t1\nＵ.Ｓ. ally\tgeneral\t1\n",
        )])
        .unwrap();
        assert_eq!(hits(&l, Kind::Sentiment, "Don't worry, U.S. ally").len(), 2);
    }

    #[test]
    fn no_match_across_paragraphs() {
        let l = lex(&[("stance.tsv", "mutual trust\tengagement\t2\n")]).unwrap();
        let text = "mutual\ntrust";
        let mut ts = TokenStream::default();
        tokenize(text, 0..6, &mut ts);
        ts.paragraph_break();
        tokenize(text, 7..12, &mut ts);
        assert!(l.match_tokens(&ts).of(Kind::Stance).is_empty());
    }

    #[test]
    fn problems_from_all_files_are_reported_together() {
        let err = lex(&[
            ("stance.tsv", "a\tx\t1\na\tx\t2\n"),
            ("stnace.tsv", "b\tx\t1\n"),
            ("frames/extra.tsv", "c\teconomic\tzz\n"),
            ("README.md", "docs"),
        ])
        .unwrap_err();
        let s = err.to_string();
        assert_eq!(err.0.len(), 3, "{s}");
        assert!(s.contains("frames/extra.tsv:1: weight 'zz'"), "{s}");
        assert!(
            s.contains("stance.tsv:2: duplicate term 'a' with weight 2"),
            "{s}"
        );
        assert!(
            s.contains("stnace.tsv:1: unknown lexicon kind 'stnace'"),
            "{s}"
        );
    }

    #[test]
    fn entries_are_sorted_for_reports() {
        let l = lex(&[(
            "frames.tsv",
            "war\tsecurity\ntrade\teconomic\naid\teconomic\n",
        )])
        .unwrap();
        let order: Vec<&str> = l.entries.iter().map(|e| e.term.as_str()).collect();
        assert_eq!(order, ["aid", "trade", "war"]);
        assert_eq!(l.categories(Kind::Frames), ["economic", "security"]);
    }
}
