//! Score: lexicon matches → sentiment, stance, frames and target-specific scores.
//!
//! Runs inside the pure per-article analysis, after tokenizing and matching. Each
//! sentence is scored for sentiment with the VADER rules ([`vader`]) using the
//! `sentiment` lexicon and the rule lexicons (`negators`, `boosters`, `contrast`).
//! Stance hits are weighted and flipped (× the negator's scalar) when a negator stands
//! within three words before them in the same sentence. Targets collect the sentiment
//! and stance of the sentences that mention them. Everything here is summed, not
//! averaged, so that results merge exactly; means are taken when reports are written.

pub mod vader;

use std::ops::Range;

use crate::lexicon::{Hit, Kind, Lexicons, Matches};
use crate::text::{Sentence, Token, TokenKind, TokenStream};
use vader::{Scores, Word, py_isupper};

/// Compound at or above which a sentence counts as positive (VADER's convention),
/// and at or below whose negative it counts as negative.
pub const SENTIMENT_THRESHOLD: f64 = 0.05;
/// Frame hits an article needs for a primary frame (Field et al. 2018 use ≥3).
pub const PRIMARY_FRAME_MIN_HITS: u32 = 3;
/// Words before a stance term searched for a negator.
const NEGATION_WINDOW: usize = 3;

/// Weighted stance hits on one axis: positive and negative weight sums, as absolute
/// values, after negation.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AxisTally {
    pub hits: u32,
    pub pos: f64,
    pub neg: f64,
}

impl AxisTally {
    pub fn add(&mut self, w: f64) {
        self.hits += 1;
        if w >= 0.0 {
            self.pos += w;
        } else {
            self.neg -= w;
        }
    }

    pub fn merge(&mut self, o: &AxisTally) {
        self.hits += o.hits;
        self.pos += o.pos;
        self.neg += o.neg;
    }

    pub fn net(&self) -> f64 {
        self.pos - self.neg
    }

    /// (pos − neg) / (pos + neg), in −1..1; `None` without hits.
    pub fn index(&self) -> Option<f64> {
        let total = self.pos + self.neg;
        (total > 0.0).then(|| (self.pos - self.neg) / total)
    }
}

/// Sentences mentioning one target, with their sentiment and stance.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TargetTally {
    pub sentences: u32,
    pub sentiment_sum: f64,
    pub axes: Vec<AxisTally>,
}

/// The scores of a span of text (an article, or later a quoted statement).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Tally {
    /// Sentences with at least one word.
    pub sentences: u32,
    pub sentiment_sum: f64,
    pub positive_sentences: u32,
    pub negative_sentences: u32,
    pub sentiment_hits: u32,
    /// Per stance axis, in [`Lexicons::categories`] order.
    pub axes: Vec<AxisTally>,
    /// Per frame: hits and weighted hits.
    pub frames: Vec<(u32, f64)>,
}

impl Tally {
    pub fn new(lex: &Lexicons) -> Tally {
        Tally {
            axes: vec![AxisTally::default(); lex.categories(Kind::Stance).len()],
            frames: vec![(0, 0.0); lex.categories(Kind::Frames).len()],
            ..Tally::default()
        }
    }

    pub fn mean_sentiment(&self) -> Option<f64> {
        (self.sentences > 0).then(|| self.sentiment_sum / self.sentences as f64)
    }

    pub fn frame_hits(&self) -> u32 {
        self.frames.iter().map(|f| f.0).sum()
    }

    /// The frame with the most weighted hits, if it has at least
    /// [`PRIMARY_FRAME_MIN_HITS`] hits; ties go to the first in name order.
    pub fn primary_frame(&self) -> Option<usize> {
        let mut best: Option<usize> = None;
        for (i, f) in self.frames.iter().enumerate() {
            if f.0 >= PRIMARY_FRAME_MIN_HITS && best.is_none_or(|b| f.1 > self.frames[b].1) {
                best = Some(i);
            }
        }
        best
    }
}

/// Everything scored in one article.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ArticleScores {
    pub tally: Tally,
    /// Per target, in [`Lexicons::categories`] order.
    pub targets: Vec<TargetTally>,
    /// (entry id, hits) of every entry that matched, by entry id.
    pub term_hits: Vec<(u32, u32)>,
    /// Compound sentiment of each sentence, for statements and explanations.
    pub sentence_compound: Vec<f64>,
}

/// What the rule lexicons say about one token. Missing values are NaN rather than
/// `Option<f64>`, which halves its size.
#[derive(Debug, Clone, Copy)]
pub struct TokenInfo {
    valence: f64,
    booster: f64,
    negator: f64,
    contrast: f64,
    pub in_lexicon: bool,
    /// The word contains "n't" (VADER negates with it).
    nt: bool,
}

/// The annotation of a token no rule lexicon mentions.
static NO_INFO: TokenInfo = TokenInfo {
    valence: f64::NAN,
    booster: f64::NAN,
    negator: f64::NAN,
    contrast: f64::NAN,
    in_lexicon: false,
    nt: false,
};

impl Default for TokenInfo {
    fn default() -> TokenInfo {
        NO_INFO
    }
}

fn opt(v: f64) -> Option<f64> {
    (!v.is_nan()).then_some(v)
}

impl TokenInfo {
    pub fn valence(&self) -> Option<f64> {
        opt(self.valence)
    }
    pub fn booster(&self) -> Option<f64> {
        opt(self.booster)
    }
    pub fn negator(&self) -> Option<f64> {
        opt(self.negator)
    }
    pub fn contrast(&self) -> Option<f64> {
        opt(self.contrast)
    }
}

/// The rule-lexicon annotations of an article's tokens, indexed by token (`info[i]`).
///
/// Sparse: a few tokens in ten carry any, so each token holds only an index into the
/// annotated ones, and the tokens that carry a valence or a contrast are also listed in
/// order, so that a sentence finds its own without reading every token.
#[derive(Debug, Clone, Default)]
pub struct Annotations {
    /// Per token: 0, or 1 + its index in `infos`.
    at: Vec<u32>,
    infos: Vec<TokenInfo>,
    /// Tokens with a valence, and tokens with a contrast weight, ascending.
    valence: Vec<u32>,
    contrast: Vec<u32>,
    /// `!` and `?` tokens, ascending (VADER's punctuation emphasis).
    bangs: Vec<u32>,
    qmarks: Vec<u32>,
    /// Word tokens that negate what follows, ascending, with their scalar: a negator,
    /// or else any word with "n't". Few articles have more than a handful, so a stance
    /// hit finds its negator, if any, without reading the words before it.
    negating: Vec<(u32, f64)>,
}

impl std::ops::Index<usize> for Annotations {
    type Output = TokenInfo;
    fn index(&self, i: usize) -> &TokenInfo {
        match self.at[i] {
            0 => &NO_INFO,
            k => &self.infos[k as usize - 1],
        }
    }
}

impl Annotations {
    fn slot(&mut self, i: usize) -> &mut TokenInfo {
        if self.at[i] == 0 {
            self.infos.push(NO_INFO);
            self.at[i] = self.infos.len() as u32;
        }
        &mut self.infos[self.at[i] as usize - 1]
    }

    /// The tokens of `list` inside `toks`.
    fn within<'a>(list: &'a [u32], toks: &Range<usize>) -> &'a [u32] {
        let a = list.partition_point(|&t| (t as usize) < toks.start);
        let b = a + list[a..].partition_point(|&t| (t as usize) < toks.end);
        &list[a..b]
    }
}

/// Per-token sentiment and rule annotations from the matches.
pub fn annotate(ts: &TokenStream, m: &Matches, lex: &Lexicons) -> Annotations {
    let rule_hits = |k: Kind| {
        m.of(k)
            .iter()
            .map(|h| (h.end - h.start) as usize)
            .sum::<usize>()
    };
    let mut info = Annotations {
        at: vec![0; ts.tokens.len()],
        infos: Vec::with_capacity(
            rule_hits(Kind::Sentiment)
                + rule_hits(Kind::Boosters)
                + rule_hits(Kind::Negators)
                + m.of(Kind::Contrast).len(),
        ),
        valence: Vec::with_capacity(m.of(Kind::Sentiment).len()),
        contrast: Vec::with_capacity(m.of(Kind::Contrast).len()),
        ..Annotations::default()
    };
    let weight = |h: &Hit| lex.weight_of(h.entry).0;
    for h in m.of(Kind::Sentiment) {
        let (s, e) = (h.start as usize, h.end as usize);
        info.slot(s).valence = weight(h);
        info.valence.push(h.start);
        for t in s + 1..e {
            info.slot(t).in_lexicon = true;
        }
    }
    for h in m.of(Kind::Boosters) {
        let (s, e) = (h.start as usize, h.end as usize);
        // A multi-word booster ("kind of") acts from its last word; the others are
        // part of it and carry no sentiment.
        for t in s..e - 1 {
            info.slot(t).booster = 0.0;
        }
        info.slot(e - 1).booster = weight(h);
    }
    for h in m.of(Kind::Negators) {
        for t in h.start as usize..h.end as usize {
            info.slot(t).negator = weight(h);
        }
    }
    for h in m.of(Kind::Contrast) {
        info.slot(h.start as usize).contrast = weight(h);
        info.contrast.push(h.start);
    }
    // A '!' or '?' is always a one-character punctuation token (full-width forms are
    // ASCII after NFKC), and a word with "n't" has an ASCII apostrophe (curly ones are
    // normalized), so one byte search of the normalized text finds them all.
    let norm = ts.norm.as_bytes();
    let mut from = 0;
    let mut nt = Vec::new();
    for at in memchr::memchr3_iter(b'!', b'?', b'\'', norm) {
        let apostrophe = norm[at] == b'\'';
        // Most apostrophes are possessives: only an "n't" needs its token found.
        if apostrophe && !(at > 0 && norm[at - 1] == b'n' && norm.get(at + 1) == Some(&b't')) {
            continue;
        }
        // Positions ascend, so each search starts where the last one ended.
        let k = from + ts.tokens[from..].partition_point(|t| (t.norm_start as usize) < at);
        from = k;
        if apostrophe {
            // Inside a word: the token that starts before it.
            if let Some(w) = k.checked_sub(1)
                && nt.last() != Some(&w)
                && vader::has_nt_bytes(word_bytes(ts, w))
            {
                info.slot(w).nt = true;
                nt.push(w);
            }
        } else if let Some(t) = ts.tokens.get(k)
            && t.norm_start as usize == at
            && t.kind == TokenKind::Punct
        {
            match ts.norm(t) {
                "!" => info.bangs.push(k as u32),
                "?" => info.qmarks.push(k as u32),
                _ => {}
            }
        }
    }
    let mut negating: Vec<u32> = m
        .of(Kind::Negators)
        .iter()
        .flat_map(|h| h.start..h.end)
        .chain(nt.iter().map(|&w| w as u32))
        .filter(|&t| ts.tokens[t as usize].is_wordlike())
        .collect();
    negating.sort_unstable();
    negating.dedup();
    info.negating = negating
        .into_iter()
        .map(|t| {
            let scalar = info[t as usize].negator().unwrap_or(vader::N_SCALAR);
            (t, scalar)
        })
        .collect();
    info
}

/// VADER sentiment of the tokens `toks` of `text`.
pub fn span_sentiment(
    text: &str,
    ts: &TokenStream,
    info: &Annotations,
    toks: Range<usize>,
) -> Scores {
    span_sentiment_with(text, ts, info, toks, &mut Scratch::default())
}

/// Buffers reused from sentence to sentence.
#[derive(Default)]
pub struct Scratch<'a> {
    words: Vec<Word<'a>>,
    values: Vec<(usize, f64)>,
}

/// Whether VADER's rules see token `t` as a word (punctuation and split-off
/// possessives are not).
fn is_rule_word(t: &Token) -> bool {
    !matches!(t.kind, TokenKind::Punct | TokenKind::Clitic)
}

/// [`span_sentiment`] with reusable buffers. Only the sentiment words are visited,
/// each with the window VADER's rules read (three words before, one after), and the
/// sentence's capitals are counted only when a word in such a window is in capitals:
/// the result is identical to scoring every word.
pub fn span_sentiment_with<'a>(
    text: &str,
    ts: &'a TokenStream,
    info: &Annotations,
    toks: Range<usize>,
    scratch: &mut Scratch<'a>,
) -> Scores {
    let mut bangs = 0;
    let mut qmarks = 0;
    let mut n = 0;
    for t in &ts.tokens[toks.clone()] {
        if t.kind == TokenKind::Punct {
            // Full-width forms are ASCII after NFKC.
            match ts.norm(t) {
                "!" => bangs += 1,
                "?" => qmarks += 1,
                _ => {}
            }
        } else if t.kind != TokenKind::Clitic {
            n += 1;
        }
    }
    let contrast = first_contrast(ts, info, Annotations::within(&info.contrast, &toks));
    let valence = Annotations::within(&info.valence, &toks);
    word_values(text, ts, info, toks, valence, scratch);
    vader::score_sparse(&mut scratch.values, n, contrast, bangs, qmarks)
}

/// The compound score of a sentence with at least one valence token, given its `!`
/// and `?` counts: the compound needs neither the word count nor a pass over the
/// sentence's tokens.
#[allow(
    clippy::too_many_arguments,
    reason = "the pieces a sentence's cursors give"
)]
fn sentence_compound<'a>(
    text: &str,
    ts: &'a TokenStream,
    info: &Annotations,
    toks: Range<usize>,
    valence: &[u32],
    contrast: &[u32],
    (bangs, qmarks): (usize, usize),
    scratch: &mut Scratch<'a>,
) -> f64 {
    let contrast = first_contrast(ts, info, contrast);
    word_values(text, ts, info, toks, valence, scratch);
    vader::compound_sparse(&scratch.values, contrast, bangs, qmarks)
}

/// The first contrast word among `contrast` tokens that VADER sees as a word, with its
/// weight. Positions are token indices: only their order matters to the "but" rule.
fn first_contrast(ts: &TokenStream, info: &Annotations, contrast: &[u32]) -> Option<(usize, f64)> {
    contrast
        .iter()
        .find(|&&c| is_rule_word(&ts.tokens[c as usize]))
        .map(|&c| (c as usize, info[c as usize].contrast))
}

/// VADER's value of each valence token of the span `toks`, into `scratch.values`.
fn word_values<'a>(
    text: &str,
    ts: &'a TokenStream,
    info: &Annotations,
    toks: Range<usize>,
    valence: &[u32],
    scratch: &mut Scratch<'a>,
) {
    let mut cap_diff: Option<bool> = None;
    scratch.values.clear();
    for &p in valence {
        let p = p as usize;
        if !is_rule_word(&ts.tokens[p]) {
            continue;
        }
        scratch.words.clear();
        // The (up to) three words before, nearest first.
        let mut before = [0usize; 3];
        let mut at = 0;
        let mut j = p;
        while j > toks.start && at < 3 {
            j -= 1;
            if is_rule_word(&ts.tokens[j]) {
                before[at] = j;
                at += 1;
            }
        }
        // Most sentiment words stand among plain words, where every rule leaves the
        // lexicon valence as it is: no need to build the window.
        let item = &info[p];
        if item.booster.is_nan()
            && !is_upper(text, &ts.tokens[p])
            && plain_item(word_bytes(ts, p))
            && before[..at].iter().all(|&b| leaves_alone(ts, info, b))
        {
            scratch.values.push((p, item.valence));
            continue;
        }
        for &b in before[..at].iter().rev() {
            scratch.words.push(rule_word(text, ts, info, b));
        }
        scratch.words.push(rule_word(text, ts, info, p));
        if let Some(q) = (p + 1..toks.end).find(|&q| is_rule_word(&ts.tokens[q])) {
            scratch.words.push(rule_word(text, ts, info, q));
        }
        let is_cap_diff = if scratch.words.iter().any(|w| w.upper) {
            *cap_diff.get_or_insert_with(|| {
                let tokens = &ts.tokens[toks.clone()];
                let n = tokens.iter().filter(|t| is_rule_word(t)).count();
                let caps = tokens.iter().filter(|t| is_upper(text, t)).count();
                caps > 0 && caps < n
            })
        } else {
            false // read only together with a word's own capitals
        };
        let v = vader::word_valence(&scratch.words, at, is_cap_diff);
        scratch.values.push((p, v));
    }
}

/// The normalized bytes of token `p`.
#[inline]
fn word_bytes(ts: &TokenStream, p: usize) -> &[u8] {
    let t = &ts.tokens[p];
    &ts.norm.as_bytes()[t.norm_start as usize..t.norm_end as usize]
}

/// Whether VADER's rules leave a sentiment word's valence alone on account of the
/// word itself (given it is no booster and not in capitals): "no" and the "kind" of
/// "kind of" have rules of their own.
#[inline]
fn plain_item(w: &[u8]) -> bool {
    !matches!(w, b"no" | b"kind")
}

/// Whether word `b`, one of the three before a sentiment word, leaves its valence
/// alone. Only boosters (even the 0 of a multi-word booster's first words, which
/// capitals make count), negators, words with "n't" ([`annotate`] marks them) and a
/// few words named by the rules change it. Another sentiment word or a contrast word
/// does not: being in the lexicon only skips the booster and negation checks of a
/// word that is neither (see `vader::valence_of`).
#[inline]
fn leaves_alone(ts: &TokenStream, info: &Annotations, b: usize) -> bool {
    let ti = &info[b];
    ti.booster.is_nan() && ti.negator.is_nan() && !ti.nt && plain_before(word_bytes(ts, b))
}

/// Whether a word that is no booster, no negator and has no "n't" leaves the valence
/// of a sentiment word after it alone: not "no", "never", "so", "this", "without" or
/// "least" (see `vader::valence_of`, `negation_check` and `least_check`).
#[inline]
fn plain_before(w: &[u8]) -> bool {
    !matches!(
        w,
        b"no" | b"so" | b"this" | b"never" | b"least" | b"without"
    )
}

/// Token `p` as VADER's rules see it.
fn rule_word<'a>(text: &str, ts: &'a TokenStream, info: &Annotations, p: usize) -> Word<'a> {
    let t = &ts.tokens[p];
    let ti = &info[p];
    Word::raw(
        ts.norm(t),
        is_upper(text, t),
        ti.in_lexicon,
        [ti.valence, ti.booster, ti.negator, ti.contrast],
    )
}

fn is_upper(text: &str, t: &Token) -> bool {
    t.kind == TokenKind::Word && py_isupper(&text[t.range()])
}

/// Scores one prepared article.
pub fn score(
    text: &str,
    ts: &TokenStream,
    sentences: &[Sentence],
    m: &Matches,
    lex: &Lexicons,
) -> ArticleScores {
    score_annotated(text, ts, sentences, m, lex, &annotate(ts, m, lex))
}

/// [`score`] with the annotations already made, so that the article and its
/// statements share one [`annotate`] pass.
pub fn score_annotated(
    text: &str,
    ts: &TokenStream,
    sentences: &[Sentence],
    m: &Matches,
    lex: &Lexicons,
    info: &Annotations,
) -> ArticleScores {
    let n_axes = lex.categories(Kind::Stance).len();
    let n_targets = lex.categories(Kind::Targets).len();
    let mut out = ArticleScores {
        tally: Tally::new(lex),
        targets: vec![
            TargetTally {
                axes: vec![AxisTally::default(); n_axes],
                ..TargetTally::default()
            };
            n_targets
        ],
        sentence_compound: Vec::with_capacity(sentences.len()),
        ..ArticleScores::default()
    };
    let mut scratch = Scratch::default();
    let (mut vi, mut ci, mut bi, mut qi) = (0, 0, 0, 0);
    let stance = m.of(Kind::Stance);
    let targets = m.of(Kind::Targets);
    let (mut si, mut ti, mut ni) = (0, 0, 0);
    // Per sentence: the stance tallies of the axes it touches, and the targets it
    // mentions; only those are merged, since merging an empty tally changes nothing.
    let mut sentence_axes = vec![AxisTally::default(); n_axes];
    let mut touched: Vec<usize> = Vec::new();
    let mut mentioned: Vec<usize> = Vec::new();
    for s in sentences {
        let toks = s.tokens();
        // Sentences come in order, so their valence and contrast tokens are found by
        // moving cursors, not searches.
        let (valence, contrast) = (&info.valence, &info.contrast);
        let advance = |list: &[u32], mut i: usize| {
            while i < list.len() && (list[i] as usize) < toks.start {
                i += 1;
            }
            let mut j = i;
            while j < list.len() && (list[j] as usize) < toks.end {
                j += 1;
            }
            (i, j - i)
        };
        let vn;
        (vi, vn) = advance(valence, vi);
        // Without a sentiment word every valence is 0 and VADER's compound is exactly 0.
        let compound = if vn > 0 {
            let cn;
            (ci, cn) = advance(contrast, ci);
            let bn;
            (bi, bn) = advance(&info.bangs, bi);
            let qn;
            (qi, qn) = advance(&info.qmarks, qi);
            sentence_compound(
                text,
                ts,
                info,
                toks.clone(),
                &valence[vi..vi + vn],
                &contrast[ci..ci + cn],
                (bn, qn),
                &mut scratch,
            )
        } else {
            0.0
        };
        // A valence token is a word, so only sentences without one need a look.
        let has_words = vn > 0 || ts.tokens[toks.clone()].iter().any(Token::is_wordlike);
        out.sentence_compound.push(compound);
        let t = &mut out.tally;
        if has_words {
            t.sentences += 1;
            t.sentiment_sum += compound;
            t.positive_sentences += u32::from(compound >= SENTIMENT_THRESHOLD);
            t.negative_sentences += u32::from(compound <= -SENTIMENT_THRESHOLD);
        }
        while si < stance.len() && (stance[si].start as usize) < toks.end {
            let h = &stance[si];
            si += 1;
            if (h.start as usize) < toks.start {
                continue;
            }
            let (weight, c) = lex.weight_of(h.entry);
            // Stance hits ascend, so the negating words before each are a growing prefix.
            while ni < info.negating.len() && info.negating[ni].0 < h.start {
                ni += 1;
            }
            let negator = nearest_negator(ts, &info.negating[..ni], toks.start, h.start as usize);
            let w = weight * negator.map_or(1.0, |(_, n)| n);
            if sentence_axes[c].hits == 0 {
                touched.push(c);
            }
            sentence_axes[c].add(w);
        }
        while ti < targets.len() && (targets[ti].start as usize) < toks.end {
            let h = &targets[ti];
            ti += 1;
            let k = lex.weight_of(h.entry).1;
            if (h.start as usize) >= toks.start && !mentioned.contains(&k) {
                mentioned.push(k);
            }
        }
        for &c in &touched {
            t.axes[c].merge(&sentence_axes[c]);
        }
        if has_words {
            for &k in &mentioned {
                let tt = &mut out.targets[k];
                tt.sentences += 1;
                tt.sentiment_sum += compound;
                for &c in &touched {
                    tt.axes[c].merge(&sentence_axes[c]);
                }
            }
        }
        for &c in &touched {
            sentence_axes[c] = AxisTally::default();
        }
        touched.clear();
        mentioned.clear();
    }
    out.tally.sentiment_hits = m.of(Kind::Sentiment).len() as u32;
    add_frame_hits(&mut out.tally.frames, m.of(Kind::Frames).iter(), lex);
    out.term_hits = m.term_hits.clone();
    out
}

/// The scores of a span of tokens (a statement): its sentiment as one unit, its
/// negation-aware stance hits, and its frame hits.
pub fn span_tally(
    text: &str,
    ts: &TokenStream,
    info: &Annotations,
    m: &Matches,
    lex: &Lexicons,
    toks: Range<usize>,
) -> Tally {
    let mut t = Tally::new(lex);
    let has_valence = m.within(Kind::Sentiment, toks.clone()).next().is_some();
    if ts.tokens[toks.clone()].iter().any(Token::is_wordlike) {
        let c = if has_valence {
            span_sentiment(text, ts, info, toks.clone()).compound
        } else {
            0.0
        };
        t.sentences = 1;
        t.sentiment_sum = c;
        t.positive_sentences = u32::from(c >= SENTIMENT_THRESHOLD);
        t.negative_sentences = u32::from(c <= -SENTIMENT_THRESHOLD);
    }
    t.sentiment_hits = m.within(Kind::Sentiment, toks.clone()).count() as u32;
    for h in m.within(Kind::Stance, toks.clone()) {
        let (weight, c) = lex.weight_of(h.entry);
        let w = weight * negation_before(ts, info, toks.start, h.start as usize).unwrap_or(1.0);
        t.axes[c].add(w);
    }
    add_frame_hits(&mut t.frames, m.within(Kind::Frames, toks), lex);
    t
}

/// Counts frame hits and sums their weights, per frame.
fn add_frame_hits<'a>(
    frames: &mut [(u32, f64)],
    hits: impl Iterator<Item = &'a Hit>,
    lex: &Lexicons,
) {
    for h in hits {
        let (w, c) = lex.weight_of(h.entry);
        let f = &mut frames[c];
        f.0 += 1;
        f.1 += w;
    }
}

/// The scalar of the nearest negator among the `NEGATION_WINDOW` (3) words before token
/// `at` (not crossing `floor`, the sentence start).
pub fn negation_before(
    ts: &TokenStream,
    info: &Annotations,
    floor: usize,
    at: usize,
) -> Option<f64> {
    negator_before(ts, info, floor, at).map(|(_, n)| n)
}

/// [`negation_before`] with the token that negates.
pub fn negator_before(
    ts: &TokenStream,
    info: &Annotations,
    floor: usize,
    at: usize,
) -> Option<(usize, f64)> {
    let k = info.negating.partition_point(|&(t, _)| (t as usize) < at);
    nearest_negator(ts, &info.negating[..k], floor, at)
}

/// [`negator_before`] given the negating words before `at`: the nearest negates it if
/// it lies in the sentence and fewer than three words stand between them.
fn nearest_negator(
    ts: &TokenStream,
    negating: &[(u32, f64)],
    floor: usize,
    at: usize,
) -> Option<(usize, f64)> {
    let &(j, scalar) = negating.last()?;
    let j = j as usize;
    if j < floor {
        return None;
    }
    let between = ts.tokens[j + 1..at]
        .iter()
        .filter(|t| t.is_wordlike())
        .take(NEGATION_WINDOW)
        .count();
    (between < NEGATION_WINDOW).then_some((j, scalar))
}

/// How VADER's rules changed one sentiment word of a sentence (for `slant explain`).
#[derive(Debug, Clone, PartialEq)]
pub struct WordEffect {
    /// Token index of the word.
    pub token: usize,
    /// Its lexicon valence.
    pub base: f64,
    /// Its valence after the rules, as it enters the sentence's compound score.
    pub effective: f64,
    /// The rule cues around it: negators and boosters in the three words before, a
    /// contrast word in the sentence, emphasis by capitals.
    pub rules: Vec<String>,
}

/// The sentiment words of the sentence `toks`, each with what the rules did to it.
pub fn explain_sentiment(
    text: &str,
    ts: &TokenStream,
    info: &Annotations,
    toks: Range<usize>,
) -> Vec<WordEffect> {
    let positions: Vec<usize> = toks
        .clone()
        .filter(|&i| !matches!(ts.tokens[i].kind, TokenKind::Punct | TokenKind::Clitic))
        .collect();
    let n = positions.len();
    let caps = positions
        .iter()
        .filter(|&&i| is_upper(text, &ts.tokens[i]))
        .count();
    let is_cap_diff = caps > 0 && caps < n;
    let contrast = positions
        .iter()
        .position(|&i| info[i].contrast().is_some())
        .map(|k| (k, info[positions[k]].contrast().expect("found")));
    let mut out = Vec::new();
    for k in 0..n {
        let Some(base) = info[positions[k]].valence() else {
            continue;
        };
        let lo = k.saturating_sub(3);
        let hi = (k + 2).min(n);
        let words: Vec<Word<'_>> = positions[lo..hi]
            .iter()
            .map(|&p| rule_word(text, ts, info, p))
            .collect();
        let mut v = vader::word_valence(&words, k - lo, is_cap_diff);
        let mut rules = Vec::new();
        for &p in &positions[lo..k] {
            let w = ts.norm(&ts.tokens[p]);
            if let Some(sc) = info[p].negator() {
                rules.push(format!("negated by \"{w}\" (x{sc})"));
            } else if w.contains("n't") {
                rules.push(format!("negated by \"{w}\" (x{})", vader::N_SCALAR));
            }
            if let Some(b) = info[p].booster()
                && b != 0.0
            {
                rules.push(format!("boosted by \"{w}\" ({b:+})"));
            }
        }
        if is_cap_diff && is_upper(text, &ts.tokens[positions[k]]) {
            rules.push("emphasised in capitals".into());
        }
        if let Some((bi, after)) = contrast {
            let w = ts.norm(&ts.tokens[positions[bi]]);
            if k < bi {
                v *= 2.0 - after;
                rules.push(format!("before contrast \"{w}\" (x{})", 2.0 - after));
            } else if k > bi {
                v *= after;
                rules.push(format!("after contrast \"{w}\" (x{after})"));
            }
        }
        out.push(WordEffect {
            token: positions[k],
            base,
            effective: v,
            rules,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::Doc;
    use crate::corpus::{Article, Format, Meta, OutletSource};

    fn lex() -> Lexicons {
        let d = tempfile::tempdir().unwrap();
        let files = [
            (
                "sentiment.tsv",
                "good\tgeneral\t1.9\nhostile\tgeneral\t-2\nmutual trust\tdiplomacy\t2.5\n",
            ),
            (
                "stance.tsv",
                "cooperat*\tengagement\t1\nsanction*\tengagement\t-1.5\ntrust\ttrust\t1\n",
            ),
            (
                "frames.tsv",
                "trade\teconomic\nexport*\teconomic\ntariff*\teconomic\nmissile*\tsecurity\n",
            ),
            ("targets.tsv", "Japan\tjapan\nTokyo\tjapan\nChina\tchina\n"),
            ("negators.tsv", "not\tnegator\nnever\tnegator\n"),
            ("boosters.tsv", "very\tbooster\t0.293\n"),
            ("contrast.tsv", "but\tcontrast\t1.5\n"),
        ];
        for (n, b) in files {
            std::fs::write(d.path().join(n), b).unwrap();
        }
        Lexicons::load_dir(d.path()).unwrap()
    }

    fn run(text: &str, l: &Lexicons) -> ArticleScores {
        let a = Article {
            id: "a".into(),
            path: "a".into(),
            line: None,
            format: Format::Jsonl,
            text: text.into(),
            meta: Meta::default(),
            outlet_source: OutletSource::Unknown,
        };
        let d = Doc::prepare(&a).unwrap();
        let m = l.match_tokens(&d.tokens);
        score(&a.text, &d.tokens, &d.sentences, &m, l)
    }

    #[test]
    fn explain_names_the_negation_and_contrast_rules() {
        let l = lex();
        let text = "Title\n\nThe talks were not good, but the mood was good.";
        let a = crate::testutil::article(text);
        let d = Doc::prepare(&a).unwrap();
        let m = l.match_tokens(&d.tokens);
        let info = annotate(&d.tokens, &m, &l);
        let body = d.sentences.last().unwrap().tokens();
        let e = explain_sentiment(text, &d.tokens, &info, body);
        let good = &e[0];
        assert!(good.base > 0.0 && good.effective < 0.0, "{good:?}");
        assert!(
            good.rules
                .iter()
                .any(|r| r.starts_with("negated by \"not\"")),
            "{good:?}"
        );
        assert!(
            good.rules
                .iter()
                .any(|r| r.starts_with("before contrast \"but\""))
        );
        assert_eq!(e.len(), 2);
        let great = &e[1];
        assert!(great.effective > great.base, "{great:?}");
        assert!(great.rules.iter().any(|r| r.starts_with("after contrast")));
    }

    #[test]
    fn negation_flips_stance() {
        let l = lex();
        let s = run(
            "Japan will cooperate. China will not cooperate with Tokyo.",
            &l,
        );
        let eng = s.tally.axes[0];
        assert_eq!(eng.hits, 2);
        assert!(
            (eng.pos - 1.0).abs() < 1e-9 && (eng.neg - 0.74).abs() < 1e-9,
            "{eng:?}"
        );
        // Japan is in both sentences, China only in the negated one.
        assert_eq!(s.targets[1].sentences, 2);
        assert!((s.targets[0].axes[0].index().unwrap() + 1.0).abs() < 1e-9);
    }

    #[test]
    fn sentiment_uses_vader_rules_and_multiword_entries() {
        let l = lex();
        let s = run("Mutual trust is very good.", &l);
        assert!(s.sentence_compound[0] > 0.7, "{:?}", s.sentence_compound);
        let neg = run("Mutual trust is not good but the mood is hostile.", &l);
        assert!(neg.sentence_compound[0] < 0.0);
        assert_eq!(neg.tally.negative_sentences, 1);
    }

    #[test]
    fn frames_and_primary_frame() {
        let l = lex();
        let s = run("Trade, exports and tariffs rose. Missiles flew.", &l);
        assert_eq!(s.tally.frames, [(3, 3.0), (1, 1.0)]);
        assert_eq!(s.tally.primary_frame(), Some(0));
        let s = run("Trade and missiles.", &l);
        assert_eq!(s.tally.primary_frame(), None);
    }

    /// The reference: every word through the full rule engine.
    fn full_sentiment(
        text: &str,
        ts: &TokenStream,
        info: &Annotations,
        toks: Range<usize>,
    ) -> Scores {
        let (mut bangs, mut qmarks) = (0, 0);
        let mut words = Vec::new();
        for (i, t) in ts.tokens.iter().enumerate().take(toks.end).skip(toks.start) {
            match t.kind {
                TokenKind::Punct => match ts.norm(t) {
                    "!" | "！" => bangs += 1,
                    "?" | "？" => qmarks += 1,
                    _ => {}
                },
                TokenKind::Clitic => {}
                _ => {
                    let mut w = Word::new(ts.norm(t), is_upper(text, t));
                    w.in_lexicon = info[i].in_lexicon;
                    w.set_valence(info[i].valence());
                    w.set_booster(info[i].booster());
                    w.set_negator(info[i].negator());
                    w.set_contrast(info[i].contrast());
                    words.push(w);
                }
            }
        }
        vader::score_words(&words, bangs, qmarks, vader::Mode::Fixed, false)
    }

    /// The shipped lexicons and the VADER test sentences (one per line).
    fn shipped_lexicons_and_vader_sentences() -> (Lexicons, String) {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        (
            Lexicons::load_dir(&root.join("lexicons")).unwrap(),
            std::fs::read_to_string(root.join("tests/fixtures/vader/sentences.txt")).unwrap(),
        )
    }

    #[test]
    fn windowed_sentiment_equals_the_full_engine() {
        let (l, sentences) = shipped_lexicons_and_vader_sentences();
        let mut checked = 0;
        for line in sentences.lines() {
            let mut ts = TokenStream::default();
            crate::text::tokenize(line, 0..line.len(), &mut ts);
            let m = l.match_tokens(&ts);
            let info = annotate(&ts, &m, &l);
            let n = ts.tokens.len();
            let fast = span_sentiment(line, &ts, &info, 0..n);
            let full = full_sentiment(line, &ts, &info, 0..n);
            assert_eq!(fast, full, "{line}");
            checked += usize::from(full.compound != 0.0);
            // Spans inside a text (sentences, statements) end their windows at their
            // own edges.
            for toks in [n / 3..n, 0..n / 2, n / 4..n - n / 4] {
                let fast = span_sentiment(line, &ts, &info, toks.clone());
                let full = full_sentiment(line, &ts, &info, toks.clone());
                assert_eq!(fast, full, "{line} {toks:?}");
            }
        }
        assert!(checked > 300, "most sentences carry sentiment: {checked}");
    }

    /// Random sentences dense in what VADER's rules read (sentiment words, boosters,
    /// negators, "n't", "no", "never so", "without doubt", "at least", "kind of",
    /// capitals, "but", "!" and "?"): the windowed engine and its plain-window
    /// shortcut agree with the full engine.
    #[test]
    fn windowed_sentiment_equals_the_full_engine_on_rule_dense_text() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let shipped = Lexicons::load_dir(&root.join("lexicons")).unwrap();
        // Also a sentiment lexicon alone: then "so", "never" or "don't" are rule words
        // only by VADER's built-in rules, not by annotations.
        let d = tempfile::tempdir().unwrap();
        std::fs::write(
            d.path().join("sentiment.tsv"),
            "good\tgeneral\t1.9\nhostile\tgeneral\t-2\nmutual trust\tgeneral\t2.5\ntrust\tgeneral\t1.5\nkind\tgeneral\t1.8\nno\tgeneral\t-1.2\n",
        )
        .unwrap();
        let bare = Lexicons::load_dir(d.path()).unwrap();
        for l in [&shipped, &bare] {
            rule_dense_sentences(l, &shipped);
        }
    }

    fn rule_dense_sentences(l: &Lexicons, words_from: &Lexicons) {
        let mut vocab: Vec<String> = Vec::new();
        let l2 = words_from;
        for kind in [
            Kind::Sentiment,
            Kind::Boosters,
            Kind::Negators,
            Kind::Contrast,
        ] {
            for e in l2.entries.iter().filter(|e| e.kind == kind).step_by(7) {
                let w = e.term.trim_end_matches('*').to_string();
                vocab.push(w.to_uppercase());
                vocab.push(w);
            }
        }
        for w in [
            "no",
            "No",
            "never",
            "so",
            "this",
            "without",
            "doubt",
            "least",
            "at",
            "very",
            "kind",
            "of",
            "or",
            "nor",
            "isn't",
            "don't",
            "DON'T",
            "not",
            "but",
            "the",
            "talks",
            "Japan",
            "TOKYO",
            "said",
            "!",
            "?",
            ",",
            "\u{201c}",
            "Japan's",
            "good",
            "GOOD",
            "hostile",
            "mutual",
            "trust",
            "won\u{2019}t",
            "can't",
            "n't",
            "'",
            "rock'n'roll",
            "2",
        ] {
            vocab.push(w.to_string());
        }
        let mut next = crate::testutil::rng(0x9E37_79B9_7F4A_7C15);
        let (mut nonzero, mut negated) = (0, 0);
        for _ in 0..3000 {
            let len = 1 + next(14);
            let line: Vec<&str> = (0..len)
                .map(|_| vocab[next(vocab.len())].as_str())
                .collect();
            let line = line.join(" ");
            let mut ts = TokenStream::default();
            crate::text::tokenize(&line, 0..line.len(), &mut ts);
            let m = l.match_tokens(&ts);
            let info = annotate(&ts, &m, l);
            let n = ts.tokens.len();
            let fast = span_sentiment(&line, &ts, &info, 0..n);
            let full = full_sentiment(&line, &ts, &info, 0..n);
            assert_eq!(fast, full, "{line}");
            nonzero += usize::from(full.compound != 0.0);
            for at in 0..=n {
                for floor in [0, n / 3] {
                    let want = scan_negator_before(&ts, &info, floor, at);
                    assert_eq!(negator_before(&ts, &info, floor, at), want, "{line} @{at}");
                    negated += usize::from(want.is_some());
                }
            }
        }
        assert!(nonzero > 400, "{nonzero}");
        assert!(negated > 1000, "{negated}");
    }

    /// The negation rule as stated: the three words before `at`, nearest first, down to
    /// `floor`; the first that is a negator or has "n't" negates.
    fn scan_negator_before(
        ts: &TokenStream,
        info: &Annotations,
        floor: usize,
        at: usize,
    ) -> Option<(usize, f64)> {
        let mut seen = 0;
        let mut i = at;
        while i > floor && seen < NEGATION_WINDOW {
            i -= 1;
            let t = &ts.tokens[i];
            if !t.is_wordlike() {
                continue;
            }
            seen += 1;
            if let Some(n) = info[i].negator() {
                return Some((i, n));
            }
            if ts.norm(t).contains("n't") {
                return Some((i, vader::N_SCALAR));
            }
        }
        None
    }

    /// The article path (cursors over the article's valence, contrast and `!`/`?`
    /// tokens, compound only) gives every sentence the compound of scoring it alone.
    #[test]
    fn article_sentences_score_as_they_do_alone() {
        let (l, lines) = shipped_lexicons_and_vader_sentences();
        // Paragraphs of a few test sentences each, so sentences share paragraphs.
        let body: Vec<String> = lines
            .lines()
            .collect::<Vec<_>>()
            .chunks(3)
            .map(|c| c.join(" "))
            .collect();
        let text = format!("Title\n\n{}", body.join("\n\n"));
        let a = crate::testutil::article(&text);
        let d = Doc::prepare(&a).unwrap();
        let m = l.match_tokens(&d.tokens);
        let info = annotate(&d.tokens, &m, &l);
        let scores = score_annotated(&text, &d.tokens, &d.sentences, &m, &l, &info);
        let mut nonzero = 0;
        for (s, &c) in d.sentences.iter().zip(&scores.sentence_compound) {
            let alone = span_sentiment(&text, &d.tokens, &info, s.tokens()).compound;
            assert_eq!(c, alone, "{}", &text[s.range()]);
            nonzero += usize::from(c != 0.0);
        }
        assert!(nonzero > 300, "{nonzero}");
        // Stance too: the article's axes are its sentences' axes, each scored alone
        // (negators found by the article's cursor as by a search), merged in order.
        let mut axes = vec![AxisTally::default(); l.categories(Kind::Stance).len()];
        for s in &d.sentences {
            let alone = span_tally(&text, &d.tokens, &info, &m, &l, s.tokens());
            for (a, b) in axes.iter_mut().zip(&alone.axes) {
                if b.hits > 0 {
                    a.merge(b);
                }
            }
        }
        assert_eq!(scores.tally.axes, axes);
        assert!(axes.iter().map(|a| a.hits).sum::<u32>() > 100);
        assert!(axes.iter().any(|a| a.neg > 0.0 && a.pos > 0.0));
    }

    /// `!` and `?` are found as ASCII in the normalized text: full-width forms must
    /// count the same, in a span and in an article.
    #[test]
    fn full_width_exclamation_marks_count_like_ascii_ones() {
        let l = lex();
        let score_of = |text: &str| {
            let a = crate::testutil::article(text);
            let d = Doc::prepare(&a).unwrap();
            let m = l.match_tokens(&d.tokens);
            let info = annotate(&d.tokens, &m, &l);
            let s = d.sentences.last().unwrap().tokens();
            let span = span_sentiment(text, &d.tokens, &info, s).compound;
            let article = *score_annotated(text, &d.tokens, &d.sentences, &m, &l, &info)
                .sentence_compound
                .last()
                .unwrap();
            (span, article)
        };
        let ascii = score_of("Title\n\nThe talks were good!!");
        assert_eq!(
            score_of("Title\n\nThe talks were good\u{FF01}\u{FF01}"),
            ascii
        );
        assert!(ascii.0 > score_of("Title\n\nThe talks were good").0);
        assert_eq!(ascii.0, ascii.1);
    }

    #[test]
    fn term_hits_count_every_kind() {
        let l = lex();
        let s = run("Not good, not good.", &l);
        let names: Vec<(String, u32)> = s
            .term_hits
            .iter()
            .map(|(e, n)| (l.entries[*e as usize].term.clone(), *n))
            .collect();
        assert_eq!(names, [("not".to_string(), 2), ("good".to_string(), 2)]);
    }
}
