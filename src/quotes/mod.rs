//! Quotes: who said what, in the forms news uses, with the speaker's role.
//!
//! Runs inside the per-article analysis, after tokenizing and lexicon matching. No
//! parser or model: rules over tokens, sentences and the original text, steered by
//! three tunable lexicons (`reporting_verbs` for cues, `titles` stripped from names,
//! `roles` deciding expert / official / media / organization / group / other).
//!
//! Per sentence, a reporting cue outside quotation marks anchors a statement; its
//! speaker is the noun phrase before the cue (skipping an appositive ", an expert at
//! X," or a relative clause, auxiliaries and "on Monday"), or the name after it in the
//! inverted `"Q," said S` form, or the phrase after "according to". The reported
//! content is what follows the cue (after its complements: "told the Global Times on
//! Monday that …") or, in the inverted `C, S said.` form, what precedes the speaker.
//! Direct quotations ([`spans`]) make a statement `direct` or `mixed`; quotations
//! without a cue in their sentence attach to a bare `S said.` next to them, to a
//! `S said:` before them, to a dash `— NAME`, or continue the previous speaker
//! (split and multi-paragraph quotes). Transcript lines (`NAME (TITLE): text`) are
//! statements too. Pronouns and surnames resolve to the latest matching person named
//! in the article (diacritics folded); a statement whose speaker cannot be found is
//! dropped rather than given to the wrong person.

pub mod spans;

use std::collections::HashMap;
use std::ops::Range;

use crate::lexicon::{Kind, Lexicons, Matches};
use crate::text::{Sentence, Token, TokenKind, TokenStream, fold_diacritics};
use spans::QuoteSpan;

/// A speaker's role (see DESIGN.md).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Role {
    Expert,
    Official,
    Media,
    Organization,
    Group,
    Other,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Expert,
        Role::Official,
        Role::Media,
        Role::Organization,
        Role::Group,
        Role::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Expert => "expert",
            Role::Official => "official",
            Role::Media => "media",
            Role::Organization => "organization",
            Role::Group => "group",
            Role::Other => "other",
        }
    }

    pub fn from_name(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// How a statement is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum QuoteKind {
    Direct,
    Indirect,
    Mixed,
}

impl QuoteKind {
    pub fn as_str(self) -> &'static str {
        match self {
            QuoteKind::Direct => "direct",
            QuoteKind::Indirect => "indirect",
            QuoteKind::Mixed => "mixed",
        }
    }
}

/// One attributed statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// Display name: a person's name without titles, or the phrase naming a group or body.
    pub speaker: String,
    /// Identity across the corpus: a person's name folded (case, diacritics, word
    /// order), or the phrase itself.
    pub key: String,
    pub role: Role,
    /// True when the role came from a cue (title, appositive, lexicon) rather than
    /// the fallback.
    pub role_known: bool,
    pub affiliation: String,
    /// A named person (not a pronoun, group or body).
    pub named: bool,
    pub kind: QuoteKind,
    pub cue: String,
    /// Byte range of the statement's text in the original text.
    pub start: usize,
    pub end: usize,
    /// Token range of the statement's text, for scoring.
    pub toks: Range<usize>,
}

impl Statement {
    pub fn text<'a>(&self, text: &'a str) -> &'a str {
        &text[self.start..self.end]
    }
}

fn not_names() -> &'static rustc_hash::FxHashSet<&'static str> {
    static SET: std::sync::OnceLock<rustc_hash::FxHashSet<&'static str>> =
        std::sync::OnceLock::new();
    SET.get_or_init(|| NOT_NAMES.iter().copied().collect())
}

/// Function words that can be capitalized at a sentence start but are never names.
const NOT_NAMES: &[&str] = &[
    "the",
    "a",
    "an",
    "in",
    "on",
    "at",
    "during",
    "after",
    "before",
    "meanwhile",
    "however",
    "according",
    "but",
    "and",
    "while",
    "when",
    "this",
    "that",
    "these",
    "those",
    "it",
    "he",
    "she",
    "they",
    "we",
    "i",
    "his",
    "her",
    "their",
    "its",
    "our",
    "both",
    "some",
    "many",
    "separately",
    "also",
    "since",
    "as",
    "for",
    "with",
    "from",
    "by",
    "to",
    "of",
    "if",
    "although",
    "though",
    "yet",
    "so",
    "then",
    "now",
    "currently",
    "last",
    "next",
    "earlier",
    "later",
    "additionally",
    "moreover",
    "furthermore",
    "still",
    "why",
    "what",
    "how",
    "who",
    "where",
    "there",
    "here",
    "not",
    "no",
    "yes",
    "q",
    "a.",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "chinese",
    "japanese",
    "korean",
    "american",
    "russian",
    "taiwanese",
    "philippine",
    "filipino",
    "european",
    "british",
    "french",
    "german",
    "indian",
    "australian",
    "u.s.",
    "us",
    "north",
    "south",
    "east",
    "west",
    "western",
    "eastern",
    "asian",
    "global",
];

/// Words that may stand between a subject and its reporting verb.
const SKIP_BEFORE_CUE: &[&str] = &[
    "also",
    "has",
    "have",
    "had",
    "will",
    "would",
    "further",
    "previously",
    "once",
    "again",
    "repeatedly",
    "publicly",
    "separately",
    "then",
    "later",
    "earlier",
    "recently",
    "reportedly",
    "openly",
    "subsequently",
    "clearly",
    "firmly",
    "has also",
    "then",
    "once",
    "last",
    "week",
    "yesterday",
    "today",
    "later",
    "just",
    "even",
    "often",
    "always",
    "never",
    "already",
    "frequently",
    "is",
    "was",
    "were",
    "are",
];

/// Lowercase words allowed inside a speaker phrase besides titles and role cues.
const NP_LOWER: &[&str] = &[
    "of",
    "for",
    "on",
    "at",
    "and",
    "the",
    "'s",
    "de",
    "van",
    "von",
    "bin",
    "al",
    "le",
    "da",
    "senior",
    "former",
    "top",
    "chief",
    "deputy",
    "acting",
    "vice",
    "military",
    "affairs",
    "foreign",
    "political",
    "economic",
    "security",
    "leading",
    "veteran",
    "prominent",
    "retired",
    "some",
    "many",
    "several",
    "one",
    "two",
    "three",
    "a",
    "an",
    "unnamed",
    "anonymous",
    "other",
    "in",
    "japanese",
    "chinese",
    "korean",
    "american",
    "government",
    "ruling",
    "opposition",
    "party",
    "defense",
    "trade",
    "policy",
    "international",
    "relations",
    "us",
    "u.s.",
];

/// Words that open an introductory phrase rather than reported content.
const INTRO: &[&str] = &[
    "during",
    "in",
    "at",
    "on",
    "after",
    "before",
    "since",
    "when",
    "while",
    "speaking",
    "following",
    "meanwhile",
    "separately",
    "additionally",
    "asked",
    "responding",
    "commenting",
    "addressing",
    "meeting",
    "where",
    "because",
];

/// Lowercase parts of names ("da Zhigang", "Ursula von der Leyen").
const PARTICLES: &[&str] = &[
    "da", "de", "del", "der", "di", "van", "von", "bin", "al", "le", "la", "dos", "du",
];

const WEEKDAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];
const PRONOUNS: &[&str] = &["he", "she", "they", "we", "it", "i"];
/// Participles that continue a statement after its speaker ("…, adding that …").
const CONTINUERS: &[&str] = &[
    "adding",
    "noting",
    "saying",
    "stressing",
    "arguing",
    "warning",
    "explaining",
    "emphasizing",
    "pointing",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Head {
    Person,
    Pronoun,
    Group,
    Body,
}

/// A speaker phrase: tokens `start..end`, with the name part and an appositive.
#[derive(Debug, Clone)]
struct Np {
    start: usize,
    end: usize,
    name: Option<Range<usize>>,
    appos: Option<Range<usize>>,
    head: Head,
}

struct Ctx<'a> {
    text: &'a str,
    ts: &'a TokenStream,
    lex: &'a Lexicons,
    /// Per token: reporting cue category (index into categories), if a cue starts here.
    cue: Vec<Option<(u32, usize)>>,
    /// Per token: covered by a title.
    title: Vec<bool>,
    /// Per token: the role the covering title suggests (none for Dr., Mr. …).
    title_role: Vec<Option<Role>>,
    /// Per token: role weights of the role cue covering it.
    role: Vec<Option<(Role, f64)>>,
    /// Byte ranges inside quotation marks.
    quoted: Vec<Range<usize>>,
    /// Per token: part of a target entity (a country or capital), never a person.
    place: Vec<bool>,
    /// Per token: could be part of a person's name (see [`Ctx::compute_name_tokens`]).
    name_tok: Vec<bool>,
}

impl<'a> Ctx<'a> {
    fn norm(&self, i: usize) -> &'a str {
        self.ts.norm(&self.ts.tokens[i])
    }

    fn orig(&self, i: usize) -> &'a str {
        &self.text[self.ts.tokens[i].range()]
    }

    fn tok(&self, i: usize) -> &'a Token {
        &self.ts.tokens[i]
    }

    fn is_cap(&self, i: usize) -> bool {
        let t = self.tok(i);
        matches!(t.kind, TokenKind::Word)
            && self.orig(i).chars().next().is_some_and(char::is_uppercase)
    }

    fn is_name_token(&self, i: usize) -> bool {
        self.name_tok[i]
    }

    /// Capitalized words that are not a title, role cue, place or function word.
    /// Computed once per article: the speaker rules ask for every token many times.
    fn compute_name_tokens(&mut self) {
        self.name_tok = (0..self.ts.tokens.len())
            .map(|i| {
                self.is_cap(i)
                    && !self.title[i]
                    && self.role[i].is_none()
                    && !self.place[i]
                    && !not_names().contains(self.norm(i))
            })
            .collect();
    }

    /// The dot of an abbreviated title before a name ("Amb. Ellen Marsh", "Gen. Ito"),
    /// not a full stop after a title word ("said an ambassador.").
    fn is_abbrev_dot(&self, i: usize) -> bool {
        i > 0
            && self.norm(i) == "."
            && self.title[i - 1]
            && self.orig(i - 1).chars().count() <= 4
            && i + 1 < self.ts.tokens.len()
            && self.is_cap(i + 1)
    }

    fn is_punct(&self, i: usize, set: &[&str]) -> bool {
        self.tok(i).kind == TokenKind::Punct && set.contains(&self.norm(i))
    }

    fn in_quote(&self, byte: usize) -> bool {
        self.quoted.iter().any(|q| q.contains(&byte))
    }

    fn span_text(&self, r: Range<usize>) -> &'a str {
        if r.is_empty() {
            return "";
        }
        &self.text[self.tok(r.start).start as usize..self.tok(r.end - 1).end as usize]
    }

    fn words(&self, r: Range<usize>) -> usize {
        r.filter(|&i| self.tok(i).is_wordlike()).count()
    }
}

/// Extracts the statements of one article.
pub fn extract(
    text: &str,
    ts: &TokenStream,
    paragraphs: &[Range<usize>],
    para_bytes: &[Range<usize>],
    sentences: &[Sentence],
    m: &Matches,
    lex: &Lexicons,
) -> Vec<Statement> {
    let n = ts.tokens.len();
    let has_quote_marks = text
        .bytes()
        .any(|b| matches!(b, b'"' | b'\'' | 0xC2 | 0xE2 | 0xE3));
    if m.of(Kind::ReportingVerbs).is_empty() && !has_quote_marks && !text.contains(':') {
        return Vec::new();
    }
    let mut cx = Ctx {
        text,
        ts,
        lex,
        cue: vec![None; n],
        title: vec![false; n],
        title_role: vec![None; n],
        role: vec![None; n],
        quoted: Vec::new(),
        place: vec![false; n],
        name_tok: Vec::new(),
    };
    for h in m.of(Kind::Targets) {
        for t in h.start..h.end {
            cx.place[t as usize] = true;
        }
    }
    for h in m.of(Kind::ReportingVerbs) {
        let e = &lex.entries[h.entry as usize];
        cx.cue[h.start as usize] = Some((e.category, h.end as usize));
    }
    for h in m.of(Kind::Titles) {
        let e = &lex.entries[h.entry as usize];
        let role = Role::from_name(lex.category_of(e)).filter(|r| *r != Role::Other);
        for t in h.start..h.end {
            cx.title[t as usize] = true;
            cx.title_role[t as usize] = role;
        }
    }
    for h in m.of(Kind::Roles) {
        let e = &lex.entries[h.entry as usize];
        if let Some(role) = Role::from_name(lex.category_of(e)) {
            for t in h.start..h.end {
                let cur = cx.role[t as usize];
                if cur.is_none_or(|(_, w)| e.weight > w) {
                    cx.role[t as usize] = Some((role, e.weight));
                }
            }
        }
    }
    cx.compute_name_tokens();
    let mut quotes: Vec<QuoteSpan> = Vec::new();
    for p in para_bytes {
        quotes.extend(spans::find(text, p.clone()));
    }
    cx.quoted = quotes.iter().map(|q| q.inner.clone()).collect();
    let cue_names = lex.categories(Kind::ReportingVerbs);
    let cat = |c: u32| cue_names.get(c as usize).map_or("", String::as_str);

    let para_of_token = |t: usize| paragraphs.partition_point(|p| p.end <= t);
    let mut out: Vec<Draft> = Vec::new();

    // Transcript lines: "NAME (TITLE): text" or "Name: text".
    let mut transcript_paras = vec![false; paragraphs.len()];
    // Speaker labels seen so far ("MODERATOR" → the name its first line gave).
    let mut labels: Vec<(String, Range<usize>, Option<String>)> = Vec::new();
    for (pi, p) in paragraphs.iter().enumerate() {
        if let Some(mut d) = transcript(&cx, p.clone(), paragraphs.get(pi + 1)) {
            let mut label = p.start..p.start;
            while label.end < p.end && cx.is_name_token(label.end) {
                label.end += 1;
            }
            let text = cx.span_text(label.clone()).to_lowercase();
            if let Some(name) = d.np.name.clone().filter(|n| *n != label) {
                labels.push((text, name, d.affiliation.clone()));
            } else if let Some((_, name, aff)) = labels.iter().find(|(t, _, _)| *t == text) {
                d.np.name = Some(name.clone());
                if d.affiliation.is_none() {
                    d.affiliation.clone_from(aff);
                }
            }
            transcript_paras[pi] = true;
            if d.toks.start >= paragraphs.get(pi + 1).map_or(usize::MAX, |x| x.start) {
                transcript_paras[pi + 1] = true;
            }
            out.push(d);
        }
    }

    for s in sentences {
        let r = s.tokens();
        if r.is_empty() || transcript_paras[para_of_token(r.start)] {
            continue;
        }
        if let Some(d) = sentence_statement(&cx, r.clone(), &cat) {
            out.push(d);
        }
    }

    attach_quotes(
        &cx,
        &quotes,
        sentences,
        paragraphs,
        &mut out,
        &transcript_paras,
    );
    out.sort_by_key(|d| d.toks.start);
    resolve(&cx, out, paragraphs)
}

/// A statement before its speaker is resolved.
#[derive(Debug, Clone)]
struct Draft {
    np: Np,
    cue: String,
    toks: Range<usize>,
    kind: QuoteKind,
    /// Affiliation given explicitly (transcript parentheses).
    affiliation: Option<String>,
    sentence: Range<usize>,
}

fn sentence_statement<'c>(
    cx: &Ctx<'_>,
    r: Range<usize>,
    cat: &dyn Fn(u32) -> &'c str,
) -> Option<Draft> {
    let sent = r.clone();
    // `C, S said.`: a cue that ends the sentence is its main attribution, even when C
    // contains cues of its own ("the side hopes …, Wang Yi said").
    let last = (r.start..r.end)
        .rev()
        .find(|&k| cx.cue[k].is_some() && !cx.in_quote(cx.tok(k).start as usize));
    if let Some(v) = last
        && let Some((_, v_end)) = cx.cue[v]
        && v > r.start
        && cx.words(after_complements(cx, v_end, r.end)) == 0
        && !cx.is_cap(v)
        && let Some(d) = try_cue(cx, r.clone(), v, cat)
    {
        return Some(d);
    }
    let mut i = r.start;
    while i < r.end {
        let Some((c, cue_end)) = cx.cue[i] else {
            i += 1;
            continue;
        };
        if cx.in_quote(cx.tok(i).start as usize)
            || (i > r.start && cx.is_cap(i) && !matches!(cat(c), "according"))
        {
            i += 1;
            continue;
        }
        // A semicolon starts a new clause: the speaker and content stay on its side.
        let floor = (r.start..i)
            .rev()
            .find(|&k| cx.is_punct(k, &[";"]) && !cx.in_quote(cx.tok(k).start as usize))
            .map_or(r.start, |k| k + 1);
        let r = floor..r.end;
        let category = cat(c);
        let cue = cx.span_text(i..cue_end).to_string();
        let found = match category {
            "according" => according(cx, r.clone(), i, cue_end),
            "quoted" => quoted_as_saying(cx, r.clone(), i, cue_end),
            _ => said(cx, r.clone(), i, cue_end),
        };
        let r = sent.clone();
        if let Some((np, mut content)) = found {
            let kind = kind_of(cx, &content);
            if kind == QuoteKind::Direct {
                content = narrow_to_quotes(cx, content);
            }
            return Some(Draft {
                np,
                cue,
                toks: content,
                kind,
                affiliation: None,
                sentence: r,
            });
        }
        let r = sent.clone();
        i = cue_end.max(i + 1);
        let _ = &r;
    }
    None
}

/// A statement anchored at the cue starting at token `v`, if it has a speaker.
fn try_cue<'c>(
    cx: &Ctx<'_>,
    r: Range<usize>,
    v: usize,
    cat: &dyn Fn(u32) -> &'c str,
) -> Option<Draft> {
    let (c, cue_end) = cx.cue[v]?;
    let cue = cx.span_text(v..cue_end).to_string();
    let (np, mut content) = match cat(c) {
        "according" => according(cx, r.clone(), v, cue_end),
        "quoted" => quoted_as_saying(cx, r.clone(), v, cue_end),
        _ => said(cx, r.clone(), v, cue_end),
    }?;
    if np.head != Head::Person && np.head != Head::Pronoun {
        return None;
    }
    let kind = kind_of(cx, &content);
    if kind == QuoteKind::Direct {
        content = narrow_to_quotes(cx, content);
    }
    Some(Draft {
        np,
        cue,
        toks: content,
        kind,
        affiliation: None,
        sentence: r,
    })
}

/// Direct when a quotation covers most of the content, mixed when one is inside it.
fn kind_of(cx: &Ctx<'_>, content: &Range<usize>) -> QuoteKind {
    if content.is_empty() {
        return QuoteKind::Indirect;
    }
    let a = cx.tok(content.start).start as usize;
    let b = cx.tok(content.end - 1).end as usize;
    let inside: usize = cx
        .quoted
        .iter()
        .map(|q| q.end.min(b).saturating_sub(q.start.max(a)))
        .sum();
    // Reported words before the first quotation mark ("the visit showed 'both …'")
    // make it a mixed statement however long the quote.
    let first_quote = cx
        .quoted
        .iter()
        .filter(|q| q.end > a && q.start < b)
        .map(|q| q.start)
        .min()
        .unwrap_or(b);
    let lead = (content.clone())
        .take_while(|&k| (cx.tok(k).end as usize) < first_quote)
        .filter(|&k| cx.tok(k).is_wordlike())
        .count();
    if inside == 0 {
        QuoteKind::Indirect
    } else if inside * 10 >= (b - a) * 7 && lead < 2 {
        QuoteKind::Direct
    } else {
        QuoteKind::Mixed
    }
}

/// The tokens inside the quotation marks of a direct statement.
fn narrow_to_quotes(cx: &Ctx<'_>, content: Range<usize>) -> Range<usize> {
    let (a, b) = (
        cx.tok(content.start).start as usize,
        cx.tok(content.end - 1).end as usize,
    );
    let inner: Vec<&Range<usize>> = cx
        .quoted
        .iter()
        .filter(|q| q.start < b && a < q.end)
        .collect();
    let (Some(first), Some(last)) = (inner.first(), inner.last()) else {
        return content;
    };
    let s = cx
        .ts
        .tokens
        .partition_point(|t| (t.start as usize) < first.start);
    let e = cx
        .ts
        .tokens
        .partition_point(|t| (t.start as usize) < last.end);
    if s < e { s..e } else { content }
}

/// "According to S, C." and "C, according to S."
fn according(cx: &Ctx<'_>, r: Range<usize>, v: usize, v_end: usize) -> Option<(Np, Range<usize>)> {
    let mut e = v_end;
    while e < r.end && !cx.is_punct(e, &[",", ".", ";", ":", "!", "?"]) {
        e += 1;
    }
    let np = np_forward(cx, v_end, e, r.end)?;
    if let Some(a) = &np.appos {
        e = a.end;
    }
    let content = if cx.words(r.start..v) >= 3 {
        r.start..trim_back(cx, r.start, v)
    } else {
        let s = if e < r.end && cx.is_punct(e, &[","]) {
            e + 1
        } else {
            e
        };
        s..trim_back(cx, s, r.end)
    };
    (cx.words(content.clone()) > 0).then_some((np, content))
}

/// "S was quoted as saying C" and "MEDIA quoted S as saying C".
fn quoted_as_saying(
    cx: &Ctx<'_>,
    r: Range<usize>,
    v: usize,
    v_end: usize,
) -> Option<(Np, Range<usize>)> {
    let content = after_complements(cx, v_end, r.end);
    if v >= r.start + 2
        && cx.norm(v - 1) == "quoted"
        && matches!(cx.norm(v - 2), "was" | "were" | "is")
    {
        let np = subject_before(cx, r.start, v - 2)?;
        return Some((np, content));
    }
    // "MEDIA quoted S as saying": S is between "quoted" and the cue.
    let q = (r.start..v).rev().find(|&k| cx.norm(k) == "quoted")?;
    let np = np_forward(cx, q + 1, v, v)?;
    Some((np, content))
}

/// A speech or belief verb.
fn said(cx: &Ctx<'_>, r: Range<usize>, v: usize, v_end: usize) -> Option<(Np, Range<usize>)> {
    // Inverted: `"Q," said S.` / `C, said S.` ("told" takes an addressee instead).
    let told = matches!(cx.norm(v), "told" | "tell" | "tells");
    if v > r.start && !told && (cx.is_punct(v - 1, &[",", "\"", "'", "”", "’"])) {
        let mut e = v_end;
        while e < r.end && (!cx.is_punct(e, &[",", ".", ";", "!", "?", ":"]) || cx.is_abbrev_dot(e))
        {
            e += 1;
        }
        // What may follow the speaker before the clause ends: where they are ("in
        // Beijing", "at the embassy").
        // Or where and when they said it ("at a press conference on Monday", "in a
        // statement"): a preposition right after the speaker starts a complement.
        let only_place = |from: usize| {
            from < e
                && matches!(
                    cx.norm(from),
                    "in" | "from" | "at" | "based" | "on" | "during" | "while" | "when"
                )
        };
        if let Some(np) = np_forward(cx, v_end, e, r.end)
            && np.head != Head::Pronoun
            && (np.end >= r.end || cx.tok(np.end).kind == TokenKind::Punct || only_place(np.end))
        {
            let content = r.start..trim_back(cx, r.start, v);
            if cx.words(content.clone()) > 0 {
                return Some((np, content));
            }
        }
    }
    // "…to Wang Huning, who mentioned in the meeting that C": the antecedent speaks.
    let mut w = v;
    while w > r.start && SKIP_BEFORE_CUE.contains(&cx.norm(w - 1)) {
        w -= 1;
    }
    if w >= r.start + 2
        && cx.norm(w - 1) == "who"
        && cx.is_punct(w - 2, &[","])
        && let Some(np) = np_backward(cx, r.start, w - 2).filter(|n| n.head == Head::Person)
    {
        return Some((np, after_complements(cx, v_end, r.end)));
    }
    let mut np = subject_before(cx, r.start, v)?;
    let after = without_source_tail(cx, after_complements(cx, v_end, r.end));
    // Words glued to the phrase ("Japanese farm minister Taku Eto") are part of the
    // speaker's description, not content.
    while np.start > r.start
        && cx.tok(np.start - 1).kind == TokenKind::Word
        && cx.cue[np.start - 1].is_none()
        && !NOT_NAMES.contains(&cx.norm(np.start - 1))
        && !INTRO.contains(&cx.norm(np.start - 1))
        && np.end - np.start < 16
    {
        np.start -= 1;
    }
    let separated =
        np.start == r.start || cx.is_punct(np.start - 1, &[",", "\"", "”", "’", "'", "—", "–"]);
    let before = if separated {
        r.start..trim_back(cx, r.start, np.start)
    } else {
        r.start..r.start
    };
    let after_words = cx.words(after.clone());
    let intro = before.end > before.start && INTRO.contains(&cx.norm(before.start));
    let after_is_clause = intro && after_words >= 3
        || after_words >= 3
            && after.start > v_end
            && (matches!(cx.norm(after.start - 1), "that" | ":")
                || cx.is_punct(after.start - 1, &[":"]))
        || after_words >= 3 && cx.words(before.clone()) < 3;
    let content = if after_is_clause || (after_words >= 1 && cx.words(before.clone()) == 0) {
        after
    } else if cx.words(before.clone()) >= 1 {
        // `C, S said` — and an `…, adding that C2` tail belongs to the same statement.
        let tail = (v_end..r.end).find(|&k| CONTINUERS.contains(&cx.norm(k)));
        match tail {
            Some(_) => before.start..trim_back(cx, before.start, r.end),
            None => before,
        }
    } else {
        after
    };
    Some((np, content))
}

/// Cuts a trailing ", according to a statement …": where the words were reported,
/// not part of them.
fn without_source_tail(cx: &Ctx<'_>, r: Range<usize>) -> Range<usize> {
    let cut = (r.start + 1..r.end.saturating_sub(1)).find(|&k| {
        cx.norm(k) == "according" && cx.norm(k + 1) == "to" && cx.is_punct(k - 1, &[","])
    });
    match cut {
        Some(k) => r.start..trim_back(cx, r.start, k - 1),
        None => r,
    }
}

/// The content after a cue and its complements: an addressee after "told", "on
/// Monday", "in a statement", "at a press conference", "in an interview with X",
/// then "that" or ":".
fn after_complements(cx: &Ctx<'_>, mut k: usize, end: usize) -> Range<usize> {
    let told = k > 0 && matches!(cx.norm(k - 1), "told" | "tell" | "tells" | "telling");
    if told {
        // The addressee: "the Global Times", "reporters", "a press conference", "lawmakers".
        let start = k;
        while k < end
            && k - start < 6
            && !matches!(
                cx.norm(k),
                "that" | "on" | "in" | "at" | "," | ":" | "." | "last"
            )
        {
            if k > start && !cx.is_cap(k) && !matches!(cx.norm(k), "the" | "a") && cx.is_cap(k - 1)
            {
                break;
            }
            k += 1;
            if k - start == 1 && !cx.is_cap(k - 1) && !matches!(cx.norm(k - 1), "the" | "a") {
                break; // "told reporters"
            }
        }
    }
    loop {
        if k >= end {
            break;
        }
        let w = cx.norm(k);
        if w == "on" && k + 1 < end && WEEKDAYS.contains(&cx.norm(k + 1)) {
            k += 2;
        } else if WEEKDAYS.contains(&w) {
            k += 1;
        } else if w == "in"
            && k + 1 < end
            && cx.is_name_token(k + 1)
            && k + 2 < end
            && !cx.is_name_token(k + 2)
        {
            k += 2; // "in Tokyo"
        } else if w == "the" && k + 2 < end && cx.norm(k + 1) == "same" && cx.norm(k + 2) == "day" {
            k += 3;
        } else if matches!(w, "in" | "at" | "during" | "via")
            && k + 2 < end
            && matches!(cx.norm(k + 1), "a" | "an" | "the" | "his" | "her" | "their")
            && matches!(
                cx.norm(k + 2),
                "statement"
                    | "interview"
                    | "press"
                    | "news"
                    | "briefing"
                    | "speech"
                    | "meeting"
                    | "letter"
                    | "post"
                    | "report"
                    | "regular"
                    | "written"
            )
        {
            // Skip to the end of the phrase: up to "that", a comma or a colon.
            let mut j = k + 2;
            while j < end && j - k < 10 && !matches!(cx.norm(j), "that" | "," | ":" | "\"") {
                j += 1;
            }
            k = j;
        } else if matches!(w, "last" | "this")
            && k + 1 < end
            && matches!(cx.norm(k + 1), "week" | "month" | "year")
        {
            k += 2;
        } else if w == "in"
            && k + 2 < end
            && cx.norm(k + 1) == "the"
            && matches!(
                cx.norm(k + 2),
                "meeting" | "talks" | "interview" | "statement"
            )
        {
            k += 3;
        } else if matches!(
            w,
            "that"
                | ":"
                | ","
                | "yesterday"
                | "today"
                | "earlier"
                | "also"
                | "publicly"
                | "privately"
                | "separately"
                | "repeatedly"
                | "frankly"
                | "bluntly"
                | "again"
        ) {
            k += 1;
        } else {
            break;
        }
    }
    k..trim_back(cx, k, end)
}

/// `end` without trailing punctuation (keeps closing quotes that belong to content).
fn trim_back(cx: &Ctx<'_>, start: usize, mut end: usize) -> usize {
    while end > start
        && cx.tok(end - 1).kind == TokenKind::Punct
        && !cx.is_punct(end - 1, &["\"", "”", "’", "»", "」"])
    {
        end -= 1;
    }
    end
}

/// The speaker phrase ending right before the cue at `v`.
fn subject_before(cx: &Ctx<'_>, floor: usize, v: usize) -> Option<Np> {
    let mut j = v;
    while j > floor {
        let w = cx.norm(j - 1);
        if SKIP_BEFORE_CUE.contains(&w) {
            j -= 1;
        } else if j >= floor + 2 && WEEKDAYS.contains(&w) && cx.norm(j - 2) == "on" {
            j -= 2;
        } else {
            break;
        }
    }
    if j <= floor {
        return None;
    }
    let mut appos = None;
    let mut e = j;
    // Relative clause without commas: "a senior official who declined to be named said".
    if let Some(w) = (j.saturating_sub(14).max(floor)..j)
        .rev()
        .find(|&k| matches!(cx.norm(k), "who" | "which"))
    {
        let clean = (w..j).all(|k| cx.tok(k).kind != TokenKind::Punct);
        if clean && w > floor {
            appos = Some(w..j);
            e = w;
        }
    }
    if cx.is_punct(j - 1, &[",", ")"]) {
        let open = if cx.norm(j - 1) == ")" { "(" } else { "," };
        let k = (floor.max(j.saturating_sub(48))..j - 1)
            .rev()
            .find(|&k| cx.norm(k) == open)?;
        if k <= floor {
            return None;
        }
        appos = Some(k + 1..j - 1);
        e = k;
    }
    let np = np_backward(cx, floor, e);
    // "C, Liu Jiangyong, vice dean of the Institute at X University told …": an
    // appositive whose closing comma is missing.
    if appos.is_none() && np.as_ref().is_none_or(|n| n.head != Head::Person) {
        let k1 = (floor.max(j.saturating_sub(30))..j)
            .rev()
            .find(|&k| cx.is_punct(k, &[","]));
        if let Some(k1) = k1 {
            let mut k0 = k1;
            while k0 > floor && k1 - k0 < 5 && cx.is_name_token(k0 - 1) {
                k0 -= 1;
            }
            if k1 - k0 >= 2 && (k0 == floor || cx.is_punct(k0 - 1, &[","])) {
                return Some(Np {
                    start: k0,
                    end: k1,
                    name: Some(k0..k1),
                    appos: Some(k1 + 1..j),
                    head: Head::Person,
                });
            }
        }
    }
    let np = np?;
    Some(Np { appos, ..np })
}

/// The phrase ending at `e` (exclusive), read backwards.
fn np_backward(cx: &Ctx<'_>, floor: usize, e: usize) -> Option<Np> {
    if e <= floor {
        return None;
    }
    let last = e - 1;
    if PRONOUNS.contains(&cx.norm(last)) && cx.tok(last).kind == TokenKind::Word {
        return Some(Np {
            start: last,
            end: e,
            name: None,
            appos: None,
            head: Head::Pronoun,
        });
    }
    let mut s = e;
    while s > floor && e - s < 12 {
        let t = s - 1;
        let ok = match cx.tok(t).kind {
            TokenKind::Word | TokenKind::Number => {
                cx.is_cap(t)
                    || cx.title[t]
                    || cx.role[t].is_some()
                    || NP_LOWER.contains(&cx.norm(t))
            }
            TokenKind::Clitic => true,
            TokenKind::Punct => {
                cx.norm(t) == "-" || (cx.norm(t) == "." && t > floor && cx.orig(t - 1).len() == 1)
            }
            TokenKind::Cjk => false,
        };
        if !ok {
            break;
        }
        s -= 1;
    }
    // Connectives that open the sentence ("But Li Mingjiang, …") are not the speaker.
    while s < e
        && matches!(
            cx.norm(s),
            "of" | "for"
                | "on"
                | "at"
                | "and"
                | "'s"
                | "-"
                | "but"
                | "yet"
                | "so"
                | "however"
                | "meanwhile"
                | "still"
                | "also"
                | "then"
                | "now"
                | "moreover"
                | "furthermore"
                | "additionally"
                | "separately"
        )
    {
        s += 1;
    }
    if s >= e {
        return None;
    }
    classify(cx, s, e)
}

/// The phrase starting at `s` up to `e` (for "said S", "according to S").
fn np_forward(cx: &Ctx<'_>, s: usize, e: usize, limit: usize) -> Option<Np> {
    // Lowercase modifiers count when a role word follows within three words ("a
    // senior presidential official", "a veteran diplomatic source").
    // Only before anything capitalized: after a name, "at a press conference" is not
    // part of the speaker.
    let role_ahead = |t: usize| {
        (s..t).all(|k| !cx.is_cap(k))
            && (t + 1..(t + 4).min(e))
                .take_while(|&k| cx.tok(k).kind == TokenKind::Word)
                .any(|k| cx.role[k].is_some())
    };
    let mut end = s;
    while end < e && end - s < 14 {
        let t = end;
        let ok = match cx.tok(t).kind {
            TokenKind::Word | TokenKind::Number => {
                cx.is_cap(t)
                    || cx.title[t]
                    || cx.role[t].is_some()
                    || NP_LOWER.contains(&cx.norm(t))
                    || role_ahead(t)
            }
            TokenKind::Clitic => true,
            TokenKind::Punct => cx.norm(t) == "-" || (t > s && cx.is_abbrev_dot(t)),
            TokenKind::Cjk => false,
        };
        if !ok {
            break;
        }
        end += 1;
    }
    if end == s {
        if s < e && PRONOUNS.contains(&cx.norm(s)) {
            return Some(Np {
                start: s,
                end: s + 1,
                name: None,
                appos: None,
                head: Head::Pronoun,
            });
        }
        return None;
    }
    // Trailing connectors are not part of it.
    while end > s
        && matches!(
            cx.norm(end - 1),
            "of" | "for" | "on" | "at" | "and" | "the" | "a"
        )
    {
        end -= 1;
    }
    let mut np = classify(cx, s, end)?;
    // "said the US ambassador, Ellen Marsh": a body named in apposition.
    if end < limit && cx.is_punct(end, &[","]) && np.head == Head::Body {
        let mut k = end + 1;
        while k < limit && k - end <= 5 && cx.is_name_token(k) {
            k += 1;
        }
        let closed = k >= limit || cx.tok(k).kind == TokenKind::Punct;
        if (2..=4).contains(&(k - end - 1)) && closed {
            np.appos = Some(end + 1..k);
        }
    }
    // "according to Lü Chao, an expert at X,": an appositive right after.
    if end < limit && cx.is_punct(end, &[","]) && np.head == Head::Person {
        let mut k = end + 1;
        while k < limit && !cx.is_punct(k, &[",", ".", ";", "!", "?", ":"]) {
            k += 1;
        }
        // It must describe someone: a title or role cue inside it.
        let describes = (end + 1..k).any(|j| cx.role[j].is_some() || cx.title[j]);
        if k > end + 1 && describes {
            np.appos = Some(end + 1..k);
        }
    }
    Some(np)
}

/// Decides what the phrase `s..e` names: a person (trailing name tokens after any
/// title), a group (a plural role noun), or a body (an organization or outlet).
fn classify(cx: &Ctx<'_>, s: usize, e: usize) -> Option<Np> {
    // "an official in Seoul": the place says where, not who.
    let mut e = e;
    if let Some(k) = (s + 1..e)
        .rev()
        .find(|&k| matches!(cx.norm(k), "in" | "from"))
        && k + 1 < e
        && (k + 1..e).all(|j| cx.place[j] || cx.is_cap(j))
    {
        e = k;
    }
    let head = e - 1;
    let head_role = cx.role[head].map(|r| r.0);
    // Name: the capitalized tokens at the end, after the last title or role word.
    let mut ns = e;
    while ns > s
        && (cx.is_name_token(ns - 1)
            || (cx.norm(ns - 1) == "." && ns - 1 > s && cx.orig(ns - 2).len() == 1)
            || (cx.norm(ns - 1) == "-" && ns - 1 > s)
            || (ns < e && PARTICLES.contains(&cx.orig(ns - 1)) && cx.is_name_token(ns)))
    {
        ns -= 1;
    }
    let has_and = (s..e).any(|k| cx.norm(k) == "and") && (s..ns).any(|k| cx.is_name_token(k));
    if head_role == Some(Role::Group) || has_and {
        return Some(Np {
            start: s,
            end: e,
            name: None,
            appos: None,
            head: Head::Group,
        });
    }
    // "Political scientist Naomi Ueda of Shirogane University": a name, then where
    // from. Checked before the trailing name, which would be the place ("Professor
    // Kerry Brown of King's College London").
    if let Some(k) =
        (s + 1..e).find(|&k| matches!(cx.norm(k), "of" | "at" | "from") && cx.is_name_token(k - 1))
    {
        let mut ns = k;
        while ns > s && cx.is_name_token(ns - 1) {
            ns -= 1;
        }
        let starts_phrase = ns == s
            || cx.title[ns - 1]
            || (cx.role[ns - 1].is_some() && !matches!(cx.norm(ns - 1), "of" | "the"));
        if k - ns >= 2 && k - ns <= 4 && starts_phrase {
            return Some(Np {
                start: s,
                end: e,
                name: Some(ns..k),
                appos: None,
                head: Head::Person,
            });
        }
    }
    if ns < e && e - ns <= 4 && cx.words(ns..e) >= 1 {
        return Some(Np {
            start: s,
            end: e,
            name: Some(ns..e),
            appos: None,
            head: Head::Person,
        });
    }
    if matches!(
        head_role,
        Some(Role::Organization | Role::Media | Role::Official | Role::Expert | Role::Other)
    ) || cx.title[head]
        || cx.place[head]
    {
        return Some(Np {
            start: s,
            end: e,
            name: None,
            appos: None,
            head: Head::Body,
        });
    }
    None
}

/// `NAME (TITLE): text` or `Name: text` at the start of a paragraph; `Name:` alone
/// introduces the next paragraph.
fn transcript(cx: &Ctx<'_>, p: Range<usize>, next: Option<&Range<usize>>) -> Option<Draft> {
    let mut k = p.start;
    while k < p.end
        && k - p.start < 5
        && (cx.is_name_token(k) || (cx.norm(k) == "-" && k > p.start))
    {
        k += 1;
    }
    if k == p.start || cx.words(p.start..k) == 0 {
        return None;
    }
    if cx.words(p.start..k) == 1 && cx.orig(p.start).len() <= 2 {
        return None; // "Q:" / "A:" are the interview's own marks
    }
    let label = p.start..k;
    let mut name = label.clone();
    let mut affiliation = None;
    if k < p.end && cx.norm(k) == "(" {
        let close = (k..p.end).find(|&j| cx.norm(j) == ")")?;
        // "MODERATOR (Jane Doe, Senior Fellow)": the parentheses name the person.
        let mut n = k + 1;
        while n < close && n - k <= 4 && cx.is_name_token(n) {
            n += 1;
        }
        let generic =
            cx.words(label.clone()) == 1 && cx.orig(label.start).chars().all(char::is_uppercase);
        if generic && (2..=4).contains(&(n - k - 1)) && (n == close || cx.is_punct(n, &[","])) {
            name = k + 1..n;
            let rest = if n < close {
                n + 1..close
            } else {
                close..close
            };
            affiliation = (!rest.is_empty()).then(|| cx.span_text(rest).to_string());
        } else {
            affiliation = Some(cx.span_text(k + 1..close).to_string());
        }
        k = close + 1;
    }
    if k >= p.end || !cx.is_punct(k, &[":", "："]) {
        return None;
    }
    let body = if k + 1 < p.end {
        k + 1..p.end
    } else {
        let nx = next?;
        nx.clone()
    };
    if cx.words(body.clone()) < 2 {
        return None;
    }
    Some(Draft {
        np: Np {
            start: name.start,
            end: name.end,
            name: Some(name),
            appos: None,
            head: Head::Person,
        },
        cue: ":".into(),
        toks: body.start..trim_back(cx, body.start, body.end),
        kind: QuoteKind::Direct,
        affiliation,
        sentence: p,
    })
}

/// Gives quotations without a cue in their sentence to a nearby speaker.
fn attach_quotes(
    cx: &Ctx<'_>,
    quotes: &[QuoteSpan],
    sentences: &[Sentence],
    paragraphs: &[Range<usize>],
    out: &mut Vec<Draft>,
    transcript_paras: &[bool],
) {
    let tok_at = |byte: usize| cx.ts.tokens.partition_point(|t| (t.start as usize) < byte);
    let para_of = |t: usize| paragraphs.partition_point(|p| p.end <= t);
    let sent_of = |t: usize| sentences.partition_point(|s| (s.tok_end as usize) <= t);
    for q in quotes {
        let a = tok_at(q.inner.start);
        let b = tok_at(q.inner.end);
        if a >= b || a >= cx.ts.tokens.len() {
            continue;
        }
        let words = cx.words(a..b);
        let sentence_like = (a..b).any(|k| cx.is_punct(k, &[".", "!", "?", "。"]));
        if words < 4 && !sentence_like {
            continue; // scare quotes, titles, short phrases
        }
        let caps = (a..b).filter(|&k| cx.is_cap(k)).count();
        if !sentence_like && caps * 10 >= words * 6 {
            continue; // a Title In Title Case
        }
        if a >= 2
            && matches!(
                cx.norm(a - 2),
                "titled" | "entitled" | "headlined" | "called" | "dubbed" | "named"
            )
        {
            continue;
        }
        if out
            .iter()
            .any(|d| d.toks.start <= a && b <= d.toks.end || (d.toks.start < b && a < d.toks.end))
        {
            continue;
        }
        let pi = para_of(a);
        if transcript_paras.get(pi).copied().unwrap_or(false) {
            continue;
        }
        let si = sent_of(a);
        let (qa, qb) = (a, b);
        // A cue statement in the same sentence whose content missed the quote, or a
        // bare "S said." right after the quote in its paragraph.
        let next_bare = out.iter().position(|d| {
            let same_para = para_of(d.sentence.start) == pi;
            same_para
                && d.sentence.start >= qb.min(sentences[si].tok_end as usize)
                && d.sentence.start
                    <= sentences
                        .get(si + 1)
                        .map_or(usize::MAX, |s| s.tok_start as usize)
                && cx.words(d.toks.clone()) < 3
        });
        let in_sentence = out
            .iter()
            .position(|d| d.sentence.start <= qa && qa < d.sentence.end);
        let prev_colon = out.iter().position(|d| {
            para_of(d.sentence.start) == pi
                && d.sentence.end <= qa
                && d.sentence.end > 0
                && cx.is_punct(d.sentence.end - 1, &[":"])
        });
        let chosen = next_bare.or(in_sentence).or(prev_colon);
        if let Some(i) = chosen {
            let d = &mut out[i];
            d.toks = qa..qb;
            d.kind = QuoteKind::Direct;
            continue;
        }
        // Dash attribution: “Q” — Title Name
        let after = tok_at(q.end);
        if after < cx.ts.tokens.len() && cx.is_punct(after, &["—", "–", "-"]) {
            let mut e = after + 1;
            while e < cx.ts.tokens.len()
                && e - after < 10
                && !cx.is_punct(e, &[".", ",", ";", "\"", "“"])
            {
                e += 1;
            }
            if let Some(np) = np_forward(cx, after + 1, e, cx.ts.tokens.len().min(e + 12))
                && np.head == Head::Person
            {
                out.push(Draft {
                    np,
                    cue: "—".into(),
                    toks: qa..qb,
                    kind: QuoteKind::Direct,
                    affiliation: None,
                    sentence: qa..qb,
                });
                continue;
            }
        }
        // Split or multi-paragraph quotation: the latest speaker in this paragraph or
        // the one before continues.
        let prev = out
            .iter()
            .filter(|d| {
                d.toks.end <= qa
                    && pi.saturating_sub(para_of(d.toks.start)) <= 1
                    && matches!(d.np.head, Head::Person | Head::Pronoun | Head::Body)
            })
            .max_by_key(|d| d.toks.end);
        if let Some(p) = prev {
            let mut d = p.clone();
            d.toks = qa..qb;
            d.kind = QuoteKind::Direct;
            d.sentence = qa..qb;
            d.cue = "(continued)".into();
            out.push(d);
        }
    }
    // A bare "S said." that found no quotation says nothing.
    out.retain(|d| cx.words(d.toks.clone()) >= 2);
}

/// Known people of an article: full names, for surnames and pronouns.
#[derive(Debug, Clone)]
struct Person {
    name: String,
    folded: Vec<String>,
    /// `person_key(&folded)`, computed once.
    key: String,
    role: Option<Role>,
    affiliation: String,
    pos: usize,
    /// Every token position the person is named at.
    seen: Vec<usize>,
}

impl Person {
    /// The latest position before `pos` this person was named at.
    fn last_before(&self, pos: usize) -> Option<usize> {
        self.seen.iter().copied().filter(|&p| p < pos).max()
    }
}

/// Resolves speakers (pronouns, surnames, "the ministry"), roles and affiliations.
fn resolve(cx: &Ctx<'_>, drafts: Vec<Draft>, paragraphs: &[Range<usize>]) -> Vec<Statement> {
    let mut people: Vec<Person> = mentions(cx);
    let mut bodies: Vec<(String, Role, usize)> = Vec::new();
    let mut out = Vec::new();
    let mut last_person: Option<(usize, usize)> = None; // (index into people, pos)
    for d in drafts {
        let pos = d.np.start;
        let appos_text =
            d.np.appos
                .clone()
                .map(|r| cx.span_text(r).to_string())
                .unwrap_or_default();
        let (speaker, key, role, role_known, affiliation, named) = match d.np.head {
            Head::Pronoun => {
                let w = cx.norm(d.np.start);
                if !matches!(w, "he" | "she") {
                    continue;
                }
                // The latest person named before the pronoun: a speaker or a mention.
                let mention = people
                    .iter()
                    .enumerate()
                    .filter_map(|(i, p)| p.last_before(d.np.start).map(|at| (i, at)))
                    .max_by_key(|&(_, at)| at);
                let para_of = |t: usize| paragraphs.partition_point(|p| p.end <= t);
                let pi = match (mention, last_person) {
                    // A speaker of this paragraph stays its subject over names mentioned since.
                    (Some((m, at)), Some((l, lpos))) => {
                        if at > lpos && para_of(lpos) != para_of(d.np.start) {
                            m
                        } else {
                            l
                        }
                    }
                    (Some((m, _)), None) => m,
                    (None, Some((l, _))) => l,
                    (None, None) => continue,
                };
                let p = &people[pi];
                (
                    p.name.clone(),
                    person_key(&p.folded),
                    p.role.unwrap_or(Role::Other),
                    p.role.is_some(),
                    p.affiliation.clone(),
                    true,
                )
            }
            Head::Person => {
                let name_r = d.np.name.clone().expect("person has a name");
                let name = cx.span_text(name_r.clone()).to_string();
                let folded: Vec<String> = name_r
                    .clone()
                    .filter(|&k| cx.tok(k).kind == TokenKind::Word)
                    .map(|k| fold_diacritics(cx.norm(k)))
                    .collect();
                let mut title_text =
                    strip_det(cx.span_text(d.np.start..name_r.start).trim()).to_string();
                // "Kerry Brown of King's College London": where from, after the name.
                if name_r.end < d.np.end && matches!(cx.norm(name_r.end), "of" | "at" | "from") {
                    let rest = cx.span_text(name_r.end..d.np.end);
                    title_text = if title_text.is_empty() {
                        rest.to_string()
                    } else {
                        format!("{title_text} {rest}")
                    };
                }
                let mut affiliation = [
                    title_text.as_str(),
                    appos_text.as_str(),
                    d.affiliation.as_deref().unwrap_or(""),
                ]
                .iter()
                .filter(|s| !s.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
                let mut role = role_of(
                    cx,
                    d.np.start..name_r.start,
                    d.np.appos.clone(),
                    d.affiliation.as_deref(),
                );
                // A single word: a surname (or given name) of someone named before.
                let found = if folded.len() == 1 {
                    people
                        .iter()
                        .enumerate()
                        .filter(|(_, p)| {
                            p.folded.len() > 1
                                && (p.folded.first() == folded.first()
                                    || p.folded.last() == folded.first())
                        })
                        .filter_map(|(i, p)| p.last_before(pos + 1).map(|at| (i, at)))
                        .max_by_key(|&(_, at)| at)
                        .map(|(i, _)| i)
                } else {
                    let k = person_key(&folded);
                    people.iter().position(|p| p.key == k)
                };
                let (name, folded) = match found {
                    Some(i) => {
                        let p = &mut people[i];
                        if role.is_none() {
                            role = p.role;
                        } else if p.role.is_none() {
                            p.role = role;
                        }
                        if affiliation.is_empty() {
                            affiliation = p.affiliation.clone();
                        } else if p.affiliation.is_empty() {
                            p.affiliation = affiliation.clone();
                        }
                        p.pos = p.pos.max(pos);
                        p.seen.push(pos);
                        last_person = Some((i, pos));
                        (p.name.clone(), p.folded.clone())
                    }
                    None => {
                        people.push(Person {
                            name: name.clone(),
                            key: person_key(&folded),
                            folded: folded.clone(),
                            role,
                            affiliation: affiliation.clone(),
                            pos,
                            seen: vec![pos],
                        });
                        last_person = Some((people.len() - 1, pos));
                        (name, folded)
                    }
                };
                (
                    name,
                    person_key(&folded),
                    role.unwrap_or(Role::Other),
                    role.is_some(),
                    affiliation,
                    true,
                )
            }
            Head::Group => {
                let phrase = strip_det(cx.span_text(d.np.start..d.np.end));
                (
                    phrase.to_string(),
                    phrase.to_lowercase(),
                    Role::Group,
                    true,
                    appos_text,
                    false,
                )
            }
            Head::Body
                if d.np.appos.as_ref().is_some_and(|a| {
                    a.len() >= 2 && a.len() <= 4 && a.clone().all(|k| cx.is_name_token(k))
                }) =>
            {
                // "the spokesperson, Ellen Marsh, said": the name is in apposition.
                let a = d.np.appos.clone().expect("checked");
                let name = cx.span_text(a.clone()).to_string();
                let folded: Vec<String> = a.map(|k| fold_diacritics(cx.norm(k))).collect();
                let affiliation = strip_det(cx.span_text(d.np.start..d.np.end)).to_string();
                let role = role_of(cx, d.np.start..d.np.end, None, None);
                people.push(Person {
                    name: name.clone(),
                    key: person_key(&folded),
                    folded: folded.clone(),
                    role,
                    affiliation: affiliation.clone(),
                    pos,
                    seen: vec![pos],
                });
                last_person = Some((people.len() - 1, pos));
                (
                    name,
                    person_key(&folded),
                    role.unwrap_or(Role::Other),
                    role.is_some(),
                    affiliation,
                    true,
                )
            }
            Head::Body
                if matches!(
                    cx.role[d.np.end - 1],
                    Some((Role::Official | Role::Expert | Role::Other, _))
                ) && !cx.place[d.np.end - 1] =>
            {
                // An unnamed person ("a senior Japanese diplomat", "an official"): anonymous.
                let phrase = strip_det(cx.span_text(d.np.start..d.np.end)).to_string();
                let key = phrase.to_lowercase();
                (phrase, key, Role::Group, true, appos_text, false)
            }
            Head::Body => {
                let phrase = strip_det(cx.span_text(d.np.start..d.np.end)).to_string();
                // An unnamed spokesperson speaks for their body: never a person.
                let role = match role_of(cx, d.np.start..d.np.end, None, None) {
                    Some(Role::Media) => Role::Media,
                    _ => Role::Organization,
                };
                // "the ministry" after "the Chinese Defense Ministry".
                let lower = phrase.to_lowercase();
                let resolved = if cx.words(d.np.start..d.np.end) <= 2 {
                    bodies
                        .iter()
                        .rev()
                        .find(|(b, r, _)| {
                            *r == role
                                && b.to_lowercase().ends_with(&lower)
                                && b.len() > phrase.len()
                        })
                        .map(|(b, _, _)| b.clone())
                } else {
                    None
                };
                let speaker = resolved.unwrap_or(phrase);
                bodies.push((speaker.clone(), role, pos));
                let key = speaker.to_lowercase();
                (speaker, key, role, true, appos_text, false)
            }
        };
        if d.toks.is_empty() {
            continue;
        }
        let start = cx.tok(d.toks.start).start as usize;
        let end = cx.tok(d.toks.end - 1).end as usize;
        out.push(Statement {
            speaker: if named {
                display_name(&speaker)
            } else {
                speaker
            },
            key,
            role,
            role_known,
            affiliation,
            named,
            kind: d.kind,
            cue: d.cue,
            start,
            end,
            toks: d.toks,
        });
    }
    // A later mention may have taught a person's role: apply it to earlier statements.
    let roles: HashMap<String, Role> = out
        .iter()
        .filter(|s| s.named && s.role_known)
        .map(|s| (s.key.clone(), s.role))
        .collect();
    for s in &mut out {
        if s.named
            && !s.role_known
            && let Some(&r) = roles.get(&s.key)
        {
            s.role = r;
            s.role_known = true;
        }
    }
    out
}

/// A name as it should be shown: transcripts write "SATO YOSHIHIDE", reports show
/// "Sato Yoshihide"; names with any lowercase letter are kept as written.
fn display_name(s: &str) -> String {
    if s.chars().any(char::is_lowercase) || s.chars().filter(|c| c.is_alphabetic()).count() < 2 {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut start = true;
    for c in s.chars() {
        if c.is_alphabetic() {
            if start {
                out.push(c);
            } else {
                out.extend(c.to_lowercase());
            }
            start = false;
        } else {
            out.push(c);
            start = true;
        }
    }
    out
}

fn strip_det(s: &str) -> &str {
    if matches!(s, "the" | "The" | "a" | "A" | "an" | "An") {
        return "";
    }
    for d in ["the ", "The ", "a ", "A ", "an ", "An "] {
        if let Some(r) = s.strip_prefix(d) {
            return r;
        }
    }
    s
}

/// The identity of a person across the corpus: folded name tokens, sorted, so that
/// "Taku Eto" and "Etō Taku" are one person.
fn person_key(folded: &[String]) -> String {
    let mut v: Vec<&str> = folded.iter().map(String::as_str).collect();
    v.sort_unstable();
    v.join(" ")
}

/// People named with a title anywhere in the article ("Premier Li Qiang",
/// "Japanese Prime Minister Shigeru Ishiba"), so later surnames resolve to them.
fn mentions(cx: &Ctx<'_>) -> Vec<Person> {
    let mut out: Vec<Person> = Vec::new();
    let n = cx.ts.tokens.len();
    let mut k = 0;
    while k < n {
        if !cx.title[k] {
            k += 1;
            continue;
        }
        let mut t = k;
        while t < n && cx.title[t] {
            t += 1;
        }
        let ns = t;
        let mut e = ns;
        while e < n && e - ns < 4 && cx.is_name_token(e) {
            e += 1;
        }
        if e > ns && (e - ns >= 2) {
            let folded: Vec<String> = (ns..e).map(|j| fold_diacritics(cx.norm(j))).collect();
            let key = person_key(&folded);
            if !out.iter().any(|p| p.key == key) {
                let role = role_of(cx, k..ns, None, None);
                out.push(Person {
                    name: cx.span_text(ns..e).to_string(),
                    key,
                    folded,
                    role,
                    affiliation: cx.span_text(k..ns).to_string(),
                    pos: ns,
                    seen: vec![ns],
                });
            } else if let Some(p) = out.iter_mut().find(|p| p.key == key) {
                p.seen.push(ns);
            }
        }
        k = e.max(t);
    }
    // Every other name of two to four words ("Li Shulei, a member of …").
    let mut k = 0;
    while k < n {
        if !cx.is_name_token(k) || (k > 0 && cx.is_name_token(k - 1)) {
            k += 1;
            continue;
        }
        let mut e = k;
        while e < n && e - k < 4 && cx.is_name_token(e) {
            e += 1;
        }
        let inside_org = k > 0
            && matches!(
                cx.norm(k - 1),
                "of" | "the" | "at" | "for" | "from" | "in" | "to"
            );
        if e - k >= 2 && !inside_org && !(e < n && cx.role[e].is_some() && !cx.is_punct(e, &[","]))
        {
            let folded: Vec<String> = (k..e).map(|j| fold_diacritics(cx.norm(j))).collect();
            let key = person_key(&folded);
            // An appositive right after gives the role: "Li Shulei, a member of the Political Bureau".
            let (role, affiliation) = if e < n && cx.is_punct(e, &[","]) {
                let mut z = e + 1;
                while z < n && z - e < 30 && !cx.is_punct(z, &[".", ";"]) && cx.cue[z].is_none() {
                    if cx.is_punct(z, &[","]) && !(z + 1 < n && cx.norm(z + 1) == "and") {
                        break;
                    }
                    z += 1;
                }
                let first = if e + 1 < n { cx.norm(e + 1) } else { "" };
                if matches!(first, "a" | "an" | "the")
                    || cx.role.get(e + 1).is_some_and(Option::is_some)
                {
                    (
                        role_of(cx, 0..0, Some(e + 1..z), None),
                        cx.span_text(e + 1..z).to_string(),
                    )
                } else {
                    (None, String::new())
                }
            } else {
                (None, String::new())
            };
            // Or a role word right before the name: "Chinese top diplomat Wang Yi".
            let before = k.checked_sub(1).and_then(|j| cx.role[j].map(|r| (j, r.0)));
            let (role, affiliation) = match (role, before) {
                (None, Some((j, r)))
                    if matches!(r, Role::Official | Role::Expert | Role::Media) =>
                {
                    let mut a = j;
                    while a > 0
                        && (cx.role[a - 1].is_some() || cx.title[a - 1] || cx.is_cap(a - 1))
                        && j - a < 12
                    {
                        a -= 1;
                    }
                    (Some(r), cx.span_text(a..k).to_string())
                }
                _ => (role, affiliation),
            };
            match out.iter_mut().find(|p| p.key == key) {
                Some(p) => {
                    p.seen.push(k);
                    if p.role.is_none() {
                        p.role = role;
                        p.affiliation = affiliation;
                    }
                }
                None => out.push(Person {
                    name: cx.span_text(k..e).to_string(),
                    key,
                    folded,
                    role,
                    affiliation,
                    pos: k,
                    seen: vec![k],
                }),
            }
        }
        k = e;
    }
    out.sort_by_key(|p| p.pos);
    out
}

/// The role the cues in a title phrase, an appositive and an explicit affiliation
/// point to; `None` without cues.
fn role_of(
    cx: &Ctx<'_>,
    title: Range<usize>,
    appos: Option<Range<usize>>,
    explicit: Option<&str>,
) -> Option<Role> {
    // Summed cue weights per role, indexed by `Role as usize`.
    let mut score = [0.0f64; Role::ALL.len()];
    let mut any = [false; Role::ALL.len()];
    let mut seen_hit = usize::MAX;
    for k in title.clone().chain(appos.clone().unwrap_or(0..0)) {
        if let Some((r, w)) = cx.role[k] {
            // One multi-word cue counts once.
            if k == 0 || seen_hit != k - 1 || cx.role[k - 1] != cx.role[k] {
                score[r as usize] += w;
                any[r as usize] = true;
            }
            seen_hit = k;
        }
        if let (Some(r), None) = (cx.title_role[k], cx.role[k]) {
            score[r as usize] += 0.5;
            any[r as usize] = true;
        }
    }
    if let Some(x) = explicit {
        let mut ts = TokenStream::default();
        crate::text::tokenize(x, 0..x.len(), &mut ts);
        let m = cx.lex.match_tokens(&ts);
        for h in m.of(Kind::Roles) {
            let e = &cx.lex.entries[h.entry as usize];
            if let Some(r) = Role::from_name(cx.lex.category_of(e)) {
                score[r as usize] += e.weight;
                any[r as usize] = true;
            }
        }
    }
    let mut best: Option<(Role, f64)> = None;
    for r in [
        Role::Expert,
        Role::Official,
        Role::Media,
        Role::Organization,
        Role::Other,
    ] {
        let w = score[r as usize];
        if any[r as usize] && best.is_none_or(|(_, b)| w > b) {
            best = Some((r, w));
        }
    }
    best.map(|(r, _)| r)
}

#[cfg(test)]
mod tests;
