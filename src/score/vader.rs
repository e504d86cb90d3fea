//! VADER: the sentiment algorithm of Hutto & Gilbert (2014), as in vaderSentiment 3.3.2.
//!
//! [`score_words`] is the rule engine (negation window, boosters and dampeners, ALL-CAPS
//! emphasis, "but", "least", "never so", punctuation emphasis, compound normalization),
//! working on [`Word`]s whose lexicon values were looked up beforehand. Two front ends
//! feed it: [`Analyzer::polarity_scores`] reproduces the Python package exactly (its
//! whitespace tokenizer, emoji descriptions, built-in negators, boosters and idioms,
//! and even its quirks, such as "but" scaling found by value), and article scoring in
//! the parent module feeds tokens matched against the user's lexicons. [`Mode::Fixed`]
//! lets multi-word lexicon entries match (VADER never matches them) and applies "but"
//! by position.

use std::collections::HashMap;
use std::path::Path;

pub const B_INCR: f64 = 0.293;
pub const B_DECR: f64 = -0.293;
pub const C_INCR: f64 = 0.733;
pub const N_SCALAR: f64 = -0.74;
const ALPHA: f64 = 15.0;

/// VADER's built-in negation words.
pub const NEGATE: &[&str] = &[
    "aint",
    "arent",
    "cannot",
    "cant",
    "couldnt",
    "darent",
    "didnt",
    "doesnt",
    "ain't",
    "aren't",
    "can't",
    "couldn't",
    "daren't",
    "didn't",
    "doesn't",
    "dont",
    "hadnt",
    "hasnt",
    "havent",
    "isnt",
    "mightnt",
    "mustnt",
    "neither",
    "don't",
    "hadn't",
    "hasn't",
    "haven't",
    "isn't",
    "mightn't",
    "mustn't",
    "neednt",
    "needn't",
    "never",
    "none",
    "nope",
    "nor",
    "not",
    "nothing",
    "nowhere",
    "oughtnt",
    "shant",
    "shouldnt",
    "uhuh",
    "wasnt",
    "werent",
    "oughtn't",
    "shan't",
    "shouldn't",
    "uh-uh",
    "wasn't",
    "weren't",
    "without",
    "wont",
    "wouldnt",
    "won't",
    "wouldn't",
    "rarely",
    "seldom",
    "despite",
];

/// VADER's built-in boosters (+) and dampeners (−).
pub const BOOSTERS: &[(&str, f64)] = &[
    ("absolutely", B_INCR),
    ("amazingly", B_INCR),
    ("awfully", B_INCR),
    ("completely", B_INCR),
    ("considerable", B_INCR),
    ("considerably", B_INCR),
    ("decidedly", B_INCR),
    ("deeply", B_INCR),
    ("effing", B_INCR),
    ("enormous", B_INCR),
    ("enormously", B_INCR),
    ("entirely", B_INCR),
    ("especially", B_INCR),
    ("exceptional", B_INCR),
    ("exceptionally", B_INCR),
    ("extreme", B_INCR),
    ("extremely", B_INCR),
    ("fabulously", B_INCR),
    ("flipping", B_INCR),
    ("flippin", B_INCR),
    ("frackin", B_INCR),
    ("fracking", B_INCR),
    ("fricking", B_INCR),
    ("frickin", B_INCR),
    ("frigging", B_INCR),
    ("friggin", B_INCR),
    ("fully", B_INCR),
    ("fuckin", B_INCR),
    ("fucking", B_INCR),
    ("fuggin", B_INCR),
    ("fugging", B_INCR),
    ("greatly", B_INCR),
    ("hella", B_INCR),
    ("highly", B_INCR),
    ("hugely", B_INCR),
    ("incredible", B_INCR),
    ("incredibly", B_INCR),
    ("intensely", B_INCR),
    ("major", B_INCR),
    ("majorly", B_INCR),
    ("more", B_INCR),
    ("most", B_INCR),
    ("particularly", B_INCR),
    ("purely", B_INCR),
    ("quite", B_INCR),
    ("really", B_INCR),
    ("remarkably", B_INCR),
    ("so", B_INCR),
    ("substantially", B_INCR),
    ("thoroughly", B_INCR),
    ("total", B_INCR),
    ("totally", B_INCR),
    ("tremendous", B_INCR),
    ("tremendously", B_INCR),
    ("uber", B_INCR),
    ("unbelievably", B_INCR),
    ("unusually", B_INCR),
    ("utter", B_INCR),
    ("utterly", B_INCR),
    ("very", B_INCR),
    ("almost", B_DECR),
    ("barely", B_DECR),
    ("hardly", B_DECR),
    ("just enough", B_DECR),
    ("kind of", B_DECR),
    ("kinda", B_DECR),
    ("kindof", B_DECR),
    ("kind-of", B_DECR),
    ("less", B_DECR),
    ("little", B_DECR),
    ("marginal", B_DECR),
    ("marginally", B_DECR),
    ("occasional", B_DECR),
    ("occasionally", B_DECR),
    ("partly", B_DECR),
    ("scarce", B_DECR),
    ("scarcely", B_DECR),
    ("slight", B_DECR),
    ("slightly", B_DECR),
    ("somewhat", B_DECR),
    ("sort of", B_DECR),
    ("sorta", B_DECR),
    ("sortof", B_DECR),
    ("sort-of", B_DECR),
];

/// VADER's special-case phrases, which replace the valence outright.
const SPECIAL_CASES: &[(&str, f64)] = &[
    ("the shit", 3.0),
    ("the bomb", 3.0),
    ("bad ass", 1.5),
    ("badass", 1.5),
    ("bus stop", 0.0),
    ("yeah right", -2.0),
    ("kiss of death", -1.5),
    ("to die for", 3.0),
    ("beating heart", 3.5),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Exactly as vaderSentiment 3.3.2.
    #[default]
    Exact,
    /// Multi-word lexicon entries match; "but" scales by position.
    Fixed,
}

/// One word as the rule engine sees it. The lexicon values are NaN when absent (read
/// them through the accessors): the rule engine builds a few of these per sentiment
/// word, and `Option<f64>` would make each half as large again.
#[derive(Debug, Clone)]
pub struct Word<'a> {
    pub lower: &'a str,
    /// Python's `str.isupper()` of the word as written.
    pub upper: bool,
    /// In the lexicon without a valence of its own (inside a multi-word match).
    pub in_lexicon: bool,
    valence: f64,
    booster: f64,
    /// A negator's scalar (VADER: −0.74).
    negator: f64,
    /// A contrast word ("but"): the weight multiplies what follows it, `2 - weight`
    /// what precedes it (VADER: 1.5 and 0.5).
    contrast: f64,
}

fn some(v: f64) -> Option<f64> {
    (!v.is_nan()).then_some(v)
}

impl<'a> Word<'a> {
    /// A word with no lexicon values.
    pub fn new(lower: &'a str, upper: bool) -> Word<'a> {
        Word::raw(lower, upper, false, [f64::NAN; 4])
    }

    /// A word from NaN-coded values: valence, booster, negator, contrast.
    pub fn raw(lower: &'a str, upper: bool, in_lexicon: bool, v: [f64; 4]) -> Word<'a> {
        Word {
            lower,
            upper,
            in_lexicon,
            valence: v[0],
            booster: v[1],
            negator: v[2],
            contrast: v[3],
        }
    }

    pub fn valence(&self) -> Option<f64> {
        some(self.valence)
    }
    pub fn booster(&self) -> Option<f64> {
        some(self.booster)
    }
    pub fn negator(&self) -> Option<f64> {
        some(self.negator)
    }
    pub fn contrast(&self) -> Option<f64> {
        some(self.contrast)
    }

    pub fn set_valence(&mut self, v: Option<f64>) {
        self.valence = v.unwrap_or(f64::NAN);
    }
    pub fn set_booster(&mut self, v: Option<f64>) {
        self.booster = v.unwrap_or(f64::NAN);
    }
    pub fn set_negator(&mut self, v: Option<f64>) {
        self.negator = v.unwrap_or(f64::NAN);
    }
    pub fn set_contrast(&mut self, v: Option<f64>) {
        self.contrast = v.unwrap_or(f64::NAN);
    }

    fn known(&self) -> bool {
        !self.valence.is_nan() || self.in_lexicon
    }
}

/// VADER's four scores.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Scores {
    pub compound: f64,
    pub pos: f64,
    pub neu: f64,
    pub neg: f64,
}

/// Python's `str.isupper()`: at least one cased character and no lowercase one.
pub fn py_isupper(s: &str) -> bool {
    if s.as_bytes().first().is_some_and(u8::is_ascii_lowercase) {
        return false;
    }
    if s.is_ascii() {
        let b = s.as_bytes();
        return !b.iter().any(u8::is_ascii_lowercase) && b.iter().any(u8::is_ascii_uppercase);
    }
    let mut cased = false;
    for c in s.chars() {
        if c.is_lowercase() {
            return false;
        }
        if c.is_uppercase() {
            cased = true;
        }
    }
    cased
}

/// Python's `str.isspace()` for one character (it adds the information separators).
fn py_isspace(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{1c}'..='\u{1f}')
}

/// `!` and `?` emphasis: up to four `!` at 0.292 each; two or three `?` at 0.18 each,
/// more at 0.96.
pub fn punctuation_emphasis(bangs: usize, qmarks: usize) -> f64 {
    let ep = bangs.min(4) as f64 * 0.292;
    let qm = match qmarks {
        0 | 1 => 0.0,
        2 | 3 => qmarks as f64 * 0.18,
        _ => 0.96,
    };
    ep + qm
}

/// `x / sqrt(x² + 15)`, clamped to −1..1.
pub fn normalize(score: f64) -> f64 {
    (score / (score * score + ALPHA).sqrt()).clamp(-1.0, 1.0)
}

/// The rule engine: valences per word → the four scores. `idioms` enables VADER's
/// built-in special cases and booster bigrams (exact mode).
pub fn score_words(
    words: &[Word<'_>],
    bangs: usize,
    qmarks: usize,
    mode: Mode,
    idioms: bool,
) -> Scores {
    score_words_with(words, bangs, qmarks, mode, idioms, &mut Vec::new())
}

/// [`score_words`] with a reusable buffer for the per-word valences.
pub fn score_words_with(
    words: &[Word<'_>],
    bangs: usize,
    qmarks: usize,
    mode: Mode,
    idioms: bool,
    sentiments: &mut Vec<f64>,
) -> Scores {
    let n = words.len();
    let caps: usize = words.iter().filter(|w| w.upper).count();
    let is_cap_diff = caps > 0 && caps < n;
    sentiments.clear();
    for (i, w) in words.iter().enumerate() {
        if w.booster().is_some() || (i + 1 < n && w.lower == "kind" && words[i + 1].lower == "of") {
            sentiments.push(0.0);
            continue;
        }
        sentiments.push(valence_of(words, i, is_cap_diff, idioms));
    }
    let contrast = words.iter().position(|w| w.contrast().is_some());
    if let Some(bi) = contrast {
        let after = words[bi].contrast().unwrap_or(1.5);
        let before = 2.0 - after;
        match mode {
            Mode::Exact => but_check_exact(sentiments, bi, before, after),
            Mode::Fixed => {
                for (si, s) in sentiments.iter_mut().enumerate() {
                    if si < bi {
                        *s *= before;
                    } else if si > bi {
                        *s *= after;
                    }
                }
            }
        }
    }
    score_valence(sentiments, bangs, qmarks)
}

/// VADER's "but" check, with its lookup of each value's first index.
fn but_check_exact(s: &mut [f64], bi: usize, before: f64, after: f64) {
    for k in 0..s.len() {
        let v = s[k];
        let si = s.iter().position(|&x| x == v).expect("value is present");
        if si < bi {
            s[si] = v * before;
        } else if si > bi {
            s[si] = v * after;
        }
    }
}

/// The valence VADER gives word `i` (0 for boosters and the "kind" of "kind of").
/// It reads at most three words before `i` and one after, so a window of the sentence
/// around `i` gives the same result as the whole sentence.
pub fn word_valence(w: &[Word<'_>], i: usize, is_cap_diff: bool) -> f64 {
    if w[i].booster().is_some()
        || (i + 1 < w.len() && w[i].lower == "kind" && w[i + 1].lower == "of")
    {
        return 0.0;
    }
    valence_of(w, i, is_cap_diff, false)
}

/// Scores from the non-zero valences of a sentence (in word order), its word count and
/// its first contrast word; the same as [`score_words`] in [`Mode::Fixed`] without
/// idioms, since zeros change neither the sums nor anything but the neutral count.
pub fn score_sparse(
    values: &mut [(usize, f64)],
    words: usize,
    contrast: Option<(usize, f64)>,
    bangs: usize,
    qmarks: usize,
) -> Scores {
    if words == 0 {
        return Scores::default();
    }
    if let Some((bi, after)) = contrast {
        let before = 2.0 - after;
        for (pos, v) in values.iter_mut() {
            if *pos < bi {
                *v *= before;
            } else if *pos > bi {
                *v *= after;
            }
        }
    }
    let nonzero = values.iter().filter(|(_, v)| *v != 0.0).count();
    totals(
        values.iter().map(|(_, v)| *v),
        words - nonzero,
        bangs,
        qmarks,
    )
}

/// The compound score alone from a sentence's values (as for [`score_sparse`] with at
/// least one word): the sum after the contrast rule, with punctuation emphasis,
/// normalized. Skips the positive, negative and neutral shares, which need divisions.
pub fn compound_sparse(
    values: &[(usize, f64)],
    contrast: Option<(usize, f64)>,
    bangs: usize,
    qmarks: usize,
) -> f64 {
    let mut sum_s = 0.0;
    for &(pos, v) in values {
        let v = match contrast {
            Some((bi, after)) if pos < bi => v * (2.0 - after),
            Some((bi, after)) if pos > bi => v * after,
            _ => v,
        };
        if v != 0.0 {
            sum_s += v;
        }
    }
    emphasized_compound(sum_s, punctuation_emphasis(bangs, qmarks))
}

/// The compound score of a sentence's summed valences: `!` and `?` emphasis pushes the
/// sum away from zero, then it is normalized.
fn emphasized_compound(sum_s: f64, punct: f64) -> f64 {
    if sum_s > 0.0 {
        normalize(sum_s + punct)
    } else if sum_s < 0.0 {
        normalize(sum_s - punct)
    } else {
        normalize(sum_s)
    }
}

fn valence_of(w: &[Word<'_>], i: usize, is_cap_diff: bool, idioms: bool) -> f64 {
    let item = &w[i];
    let Some(base) = item.valence() else {
        return 0.0;
    };
    let n = w.len();
    let lower = |k: usize| w[k].lower;
    let mut valence = base;
    if item.lower == "no" && i != n - 1 && w[i + 1].known() {
        valence = 0.0;
    }
    if (i > 0 && lower(i - 1) == "no")
        || (i > 1 && lower(i - 2) == "no")
        || (i > 2 && lower(i - 3) == "no" && matches!(lower(i - 1), "or" | "nor"))
    {
        valence = base * N_SCALAR;
    }
    if item.upper && is_cap_diff {
        if valence > 0.0 {
            valence += C_INCR;
        } else {
            valence -= C_INCR;
        }
    }
    for start_i in 0..3 {
        if i > start_i && !w[i - (start_i + 1)].known() {
            let mut s = scalar_inc_dec(&w[i - (start_i + 1)], valence, is_cap_diff);
            if start_i == 1 && s != 0.0 {
                s *= 0.95;
            }
            if start_i == 2 && s != 0.0 {
                s *= 0.9;
            }
            valence += s;
            valence = negation_check(valence, w, start_i, i);
            if start_i == 2 && idioms {
                valence = special_idioms_check(valence, w, i);
            }
        }
    }
    least_check(valence, w, i)
}

fn scalar_inc_dec(word: &Word<'_>, valence: f64, is_cap_diff: bool) -> f64 {
    let Some(b) = word.booster() else {
        return 0.0;
    };
    let mut scalar = b;
    if valence < 0.0 {
        scalar *= -1.0;
    }
    if word.upper && is_cap_diff {
        if valence > 0.0 {
            scalar += C_INCR;
        } else {
            scalar -= C_INCR;
        }
    }
    scalar
}

/// The negation scalar of a word: its own, or VADER's for any word with "n't".
fn negated(w: &Word<'_>) -> Option<f64> {
    w.negator().or_else(|| has_nt(w.lower).then_some(N_SCALAR))
}

/// Whether a word contains "n't" (VADER negates with any such word). Looks for the
/// apostrophe first: few words have one, and a substring search per word is not free.
pub fn has_nt(word: &str) -> bool {
    has_nt_bytes(word.as_bytes())
}

/// [`has_nt`] of a word's bytes.
#[inline]
pub fn has_nt_bytes(b: &[u8]) -> bool {
    b.len() >= 3 && b[1..b.len() - 1].contains(&b'\'') && b.windows(3).any(|w| w == b"n't")
}

fn negation_check(valence: f64, w: &[Word<'_>], start_i: usize, i: usize) -> f64 {
    let l = |k: usize| w[k].lower;
    match start_i {
        0 => negated(&w[i - 1]).map_or(valence, |n| valence * n),
        1 => {
            if l(i - 2) == "never" && matches!(l(i - 1), "so" | "this") {
                valence * 1.25
            } else if l(i - 2) == "without" && l(i - 1) == "doubt" {
                valence
            } else {
                negated(&w[i - 2]).map_or(valence, |n| valence * n)
            }
        }
        2 => {
            if (l(i - 3) == "never" && matches!(l(i - 2), "so" | "this"))
                || matches!(l(i - 1), "so" | "this")
            {
                valence * 1.25
            } else if l(i - 3) == "without" && (l(i - 2) == "doubt" || l(i - 1) == "doubt") {
                valence
            } else {
                negated(&w[i - 3]).map_or(valence, |n| valence * n)
            }
        }
        _ => valence,
    }
}

fn special_idioms_check(mut valence: f64, w: &[Word<'_>], i: usize) -> f64 {
    let l = |k: usize| w[k].lower;
    let special = |s: &str| SPECIAL_CASES.iter().find(|(k, _)| *k == s).map(|(_, v)| *v);
    let booster = |s: &str| BOOSTERS.iter().find(|(k, _)| *k == s).map(|(_, v)| *v);
    let onezero = format!("{} {}", l(i - 1), l(i));
    let twoonezero = format!("{} {} {}", l(i - 2), l(i - 1), l(i));
    let twoone = format!("{} {}", l(i - 2), l(i - 1));
    let threetwoone = format!("{} {} {}", l(i - 3), l(i - 2), l(i - 1));
    let threetwo = format!("{} {}", l(i - 3), l(i - 2));
    for seq in [&onezero, &twoonezero, &twoone, &threetwoone, &threetwo] {
        if let Some(v) = special(seq) {
            valence = v;
            break;
        }
    }
    if w.len() - 1 > i
        && let Some(v) = special(&format!("{} {}", l(i), l(i + 1)))
    {
        valence = v;
    }
    if w.len() - 1 > i + 1
        && let Some(v) = special(&format!("{} {} {}", l(i), l(i + 1), l(i + 2)))
    {
        valence = v;
    }
    for ngram in [&threetwoone, &threetwo, &twoone] {
        if let Some(b) = booster(ngram) {
            valence += b;
        }
    }
    valence
}

fn least_check(valence: f64, w: &[Word<'_>], i: usize) -> f64 {
    if i > 1 && !w[i - 1].known() && w[i - 1].lower == "least" {
        if w[i - 2].lower != "at" && w[i - 2].lower != "very" {
            return valence * N_SCALAR;
        }
    } else if i > 0 && !w[i - 1].known() && w[i - 1].lower == "least" {
        return valence * N_SCALAR;
    }
    valence
}

fn score_valence(sentiments: &[f64], bangs: usize, qmarks: usize) -> Scores {
    if sentiments.is_empty() {
        return Scores::default();
    }
    let zeros = sentiments.iter().filter(|&&s| s == 0.0).count();
    totals(
        sentiments.iter().copied().filter(|&s| s != 0.0),
        zeros,
        bangs,
        qmarks,
    )
}

/// VADER's final step from the non-zero valences (in order) and the count of zeros.
fn totals(
    nonzero: impl Iterator<Item = f64> + Clone,
    zeros: usize,
    bangs: usize,
    qmarks: usize,
) -> Scores {
    let sentiments = nonzero;
    let mut sum_s: f64 = 0.0;
    for s in sentiments.clone() {
        sum_s += s;
    }
    let punct = punctuation_emphasis(bangs, qmarks);
    let compound = emphasized_compound(sum_s, punct);
    let (mut pos_sum, mut neg_sum, neu) = (0.0f64, 0.0f64, zeros);
    for s in sentiments {
        if s > 0.0 {
            pos_sum += s + 1.0;
        }
        if s < 0.0 {
            neg_sum += s - 1.0;
        }
    }
    if pos_sum > neg_sum.abs() {
        pos_sum += punct;
    } else if pos_sum < neg_sum.abs() {
        neg_sum -= punct;
    }
    let total = pos_sum + neg_sum.abs() + neu as f64;
    Scores {
        compound,
        pos: (pos_sum / total).abs(),
        neu: (neu as f64 / total).abs(),
        neg: (neg_sum / total).abs(),
    }
}

/// A VADER analyzer over a valence dictionary, reproducing `polarity_scores`.
#[derive(Debug, Clone, Default)]
pub struct Analyzer {
    lexicon: HashMap<String, f64>,
    /// Multi-word entries by their word count, for [`Mode::Fixed`].
    phrases: HashMap<String, f64>,
    max_phrase: usize,
    emojis: HashMap<char, String>,
    negators: Vec<String>,
    boosters: HashMap<String, f64>,
    mode: Mode,
}

impl Analyzer {
    /// `entries` are (term as written, valence); later entries win, as in VADER.
    pub fn new(entries: impl IntoIterator<Item = (String, f64)>, mode: Mode) -> Analyzer {
        let mut a = Analyzer {
            mode,
            negators: NEGATE.iter().map(|s| s.to_string()).collect(),
            boosters: BOOSTERS.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
            ..Analyzer::default()
        };
        for (term, v) in entries {
            let words = term.split_whitespace().count();
            if words > 1 {
                a.max_phrase = a.max_phrase.max(words);
                a.phrases
                    .insert(term.split_whitespace().collect::<Vec<_>>().join(" "), v);
            }
            a.lexicon.insert(term, v);
        }
        a
    }

    /// Loads VADER's emoji descriptions (`emoji_utf8_lexicon.txt`); only
    /// single-character keys can match, as in VADER.
    pub fn load_emojis(&mut self, path: &Path) -> std::io::Result<()> {
        let text = std::fs::read_to_string(path)?;
        for line in text.trim_end_matches('\n').split('\n') {
            let mut cols = line.trim().split('\t');
            if let (Some(e), Some(d)) = (cols.next(), cols.next()) {
                let mut cs = e.chars();
                if let (Some(c), None) = (cs.next(), cs.next()) {
                    self.emojis.insert(c, d.to_string());
                }
            }
        }
        Ok(())
    }

    /// VADER's `polarity_scores(text)`.
    pub fn polarity_scores(&self, text: &str) -> Scores {
        let mut t = String::with_capacity(text.len());
        let mut prev_space = true;
        for c in text.chars() {
            if let Some(d) = self.emojis.get(&c) {
                if !prev_space {
                    t.push(' ');
                }
                t.push_str(d);
                prev_space = false;
            } else {
                t.push(c);
                prev_space = c == ' ';
            }
        }
        let t = t.trim_matches(py_isspace);
        let raw: Vec<&str> = t
            .split(py_isspace)
            .filter(|w| !w.is_empty())
            .map(strip_punc_if_word)
            .collect();
        let lowers: Vec<String> = raw.iter().map(|w| w.to_lowercase()).collect();
        let mut words: Vec<Word<'_>> = raw
            .iter()
            .zip(&lowers)
            .map(|(w, l)| {
                let mut word = Word::new(l, py_isupper(w));
                word.set_valence(self.lexicon.get(l.as_str()).copied());
                word.set_booster(self.boosters.get(l.as_str()).copied());
                word.set_negator(self.negators.iter().any(|n| n == l).then_some(N_SCALAR));
                word.set_contrast((l == "but").then_some(1.5));
                word
            })
            .collect();
        if self.mode == Mode::Fixed && self.max_phrase > 1 {
            let mut i = 0;
            while i < words.len() {
                let mut matched = 1;
                for len in (2..=self.max_phrase.min(words.len() - i)).rev() {
                    let phrase = lowers[i..i + len].join(" ");
                    if let Some(&v) = self.phrases.get(&phrase) {
                        words[i].set_valence(Some(v));
                        for w in &mut words[i + 1..i + len] {
                            w.set_valence(None);
                            w.in_lexicon = true;
                        }
                        matched = len;
                        break;
                    }
                }
                i += matched;
            }
        }
        let bangs = t.matches('!').count();
        let qmarks = t.matches('?').count();
        score_words(&words, bangs, qmarks, self.mode, true)
    }
}

/// VADER strips leading and trailing ASCII punctuation unless that leaves two or fewer
/// characters (an emoticon).
fn strip_punc_if_word(token: &str) -> &str {
    let stripped = token.trim_matches(|c: char| c.is_ascii_punctuation());
    if stripped.chars().count() <= 2 {
        token
    } else {
        stripped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn analyzer() -> Analyzer {
        Analyzer::new(
            [
                ("good", 1.9),
                ("great", 3.1),
                ("bad", -2.5),
                ("horrible", -2.5),
                ("can't stand", -2.0),
                ("no", -1.2),
            ]
            .map(|(k, v)| (k.to_string(), v)),
            Mode::Exact,
        )
    }

    fn c(s: &str) -> String {
        format!("{:.4}", analyzer().polarity_scores(s).compound)
    }

    #[test]
    fn reference_values_from_vadersentiment() {
        // Values printed by vaderSentiment 3.3.2 with this small lexicon.
        assert_eq!(c("The food is good."), "0.4404");
        assert_eq!(c("The food is not good."), "-0.3412");
        assert_eq!(c("The food is very good!!"), "0.5827");
        assert_eq!(c("The food is GOOD but the service is horrible"), "-0.5320");
        assert_eq!(c(""), "0.0000");
    }

    #[test]
    fn fixed_mode_matches_phrases() {
        let exact = analyzer().polarity_scores("I can't stand it");
        let mut a = analyzer();
        a.mode = Mode::Fixed;
        let fixed = a.polarity_scores("I can't stand it");
        assert_eq!(exact.compound, 0.0);
        assert!(fixed.compound < -0.3);
    }

    #[test]
    fn python_isupper() {
        assert!(py_isupper("GOOD!"));
        assert!(!py_isupper("Good"));
        assert!(!py_isupper("123"));
    }
}
