//! Sentences: split a token stream into sentences, keeping byte offsets.
//!
//! Each kept line is a paragraph and a paragraph break ends a sentence, except for a
//! soft wrap (a line that ends without final punctuation followed by one that starts in
//! lowercase). Inside a paragraph a sentence ends at `.`, `!`, `?`, `…` (and the CJK
//! `。！？`), together with any closing quotes or brackets right after it, when:
//! white space follows; the next word does not start in lowercase (`"Why?" he asked`);
//! and a `.` does not close an abbreviation (`Dr.`, `Jan.`, `No.`) or an initial
//! (`Hugh J. Hill`). An initialism with its own dot (`U.S.`) ends a sentence only
//! before a word that usually starts one (`The`, `He`, `But` …).

use std::ops::Range;

use super::tokenize::{Token, TokenKind, TokenStream};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sentence {
    /// Byte range in the original text.
    pub start: u32,
    pub end: u32,
    /// Token index range in the article's [`TokenStream`].
    pub tok_start: u32,
    pub tok_end: u32,
}

impl Sentence {
    pub fn range(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    pub fn tokens(&self) -> Range<usize> {
        self.tok_start as usize..self.tok_end as usize
    }
}

/// Words that end with a dot without ending a sentence (lowercase, no dot).
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "lt", "col", "maj", "capt", "sgt",
    "adm", "st", "jr", "sr", "inc", "corp", "co", "ltd", "no", "nos", "vol", "fig", "jan", "feb",
    "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mt", "ft", "vs",
    "approx", "dept", "est", "pp", "ed", "eds", "rev", "hon", "amb", "pres", "gov't", "messrs",
    "mme", "mlle", "cf", "al",
];

/// Capitalized words that usually open a sentence, checked after an initialism.
const STARTERS: &[&str] = &[
    "the",
    "a",
    "an",
    "this",
    "that",
    "these",
    "those",
    "it",
    "its",
    "he",
    "she",
    "they",
    "we",
    "i",
    "his",
    "her",
    "their",
    "our",
    "but",
    "and",
    "in",
    "on",
    "at",
    "as",
    "for",
    "if",
    "when",
    "while",
    "after",
    "before",
    "since",
    "however",
    "meanwhile",
    "yet",
    "so",
    "there",
    "what",
    "why",
    "how",
    "who",
    "both",
    "some",
    "many",
    "not",
    "with",
    "during",
    "also",
    "still",
    "officials",
    "experts",
    "analysts",
];

fn is_terminal(n: &str) -> bool {
    matches!(n, "." | "!" | "?" | "…" | "。" | "！" | "？" | "!?" | "‼")
}

fn is_closer(n: &str) -> bool {
    matches!(n, "\"" | "'" | ")" | "]" | "»" | "」" | "』" | "›" | "）")
}

fn is_opener(n: &str) -> bool {
    matches!(n, "\"" | "'" | "(" | "[" | "«" | "「" | "『" | "‹" | "（")
}

/// Splits the tokens of the given paragraphs into sentences. `paragraphs[i]` is the
/// token index range of paragraph `i`, in order.
pub fn split_sentences(text: &str, ts: &TokenStream, paragraphs: &[Range<usize>]) -> Vec<Sentence> {
    let toks = &ts.tokens;
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    for (pi, para) in paragraphs.iter().enumerate() {
        let mut t = para.start;
        while t < para.end {
            let start = *open.get_or_insert(t);
            let n = ts.norm(&toks[t]);
            let initialism_end = toks[t].kind == TokenKind::Word && n.len() > 1 && n.ends_with('.');
            if is_terminal(n) || initialism_end {
                let mut e = t + 1;
                while e < para.end
                    && toks[e].start == toks[e - 1].end
                    && (is_terminal(ts.norm(&toks[e])) || is_closer(ts.norm(&toks[e])))
                {
                    e += 1;
                }
                if ends_here(text, ts, start, t, e, para.end, initialism_end) {
                    push(&mut out, toks, start, e, para.start);
                    open = None;
                }
                t = e;
                continue;
            }
            t += 1;
        }
        if let Some(start) = open {
            let soft_wrap = paragraphs.get(pi + 1).is_some_and(|next| {
                next.start < next.end
                    && para.end > para.start
                    && !is_terminal(ts.norm(&toks[para.end - 1]))
                    && starts_lowercase(text, &toks[next.start])
            });
            if !soft_wrap && para.end > start {
                push(&mut out, toks, start, para.end, para.start);
                open = None;
            }
        }
    }
    if let (Some(start), Some(last)) = (open, paragraphs.last())
        && last.end > start
    {
        out.push(sentence(toks, start, last.end));
    }
    out
}

/// Adds a sentence; a run of stray punctuation (an unmatched quote mark after a full
/// stop) joins the sentence before it in the same paragraph instead.
fn push(out: &mut Vec<Sentence>, toks: &[Token], a: usize, b: usize, para_start: usize) {
    if !toks[a..b].iter().any(Token::is_wordlike)
        && let Some(last) = out.last_mut()
        && last.tok_end as usize == a
        && last.tok_start as usize >= para_start
    {
        last.end = toks[b - 1].end;
        last.tok_end = b as u32;
        return;
    }
    out.push(sentence(toks, a, b));
}

fn sentence(toks: &[Token], a: usize, b: usize) -> Sentence {
    Sentence {
        start: toks[a].start,
        end: toks[b - 1].end,
        tok_start: a as u32,
        tok_end: b as u32,
    }
}

fn starts_lowercase(text: &str, t: &Token) -> bool {
    t.kind == TokenKind::Word
        && text[t.range()]
            .chars()
            .next()
            .is_some_and(char::is_lowercase)
}

/// Whether the terminal at token `t` (absorbed through `e`) ends the sentence begun at
/// `start`, inside a paragraph ending at token `end`.
fn ends_here(
    text: &str,
    ts: &TokenStream,
    start: usize,
    t: usize,
    e: usize,
    end: usize,
    initialism: bool,
) -> bool {
    let toks = &ts.tokens;
    let mark = ts.norm(&toks[t]);
    if matches!(mark, "。" | "！" | "？") {
        return true;
    }
    if e >= end {
        return true;
    }
    if toks[e].start == toks[e - 1].end {
        return false;
    }
    let mut next = e;
    while next < end && is_opener(ts.norm(&toks[next])) {
        next += 1;
    }
    if next < end && starts_lowercase(text, &toks[next]) {
        return false;
    }
    if initialism {
        return next < end && STARTERS.contains(&ts.norm(&toks[next]));
    }
    if mark == "." && t > start {
        let prev = &toks[t - 1];
        if prev.end == toks[t].start && prev.kind == TokenKind::Word {
            let p = ts.norm(prev);
            if ABBREVIATIONS.contains(&p) {
                return false;
            }
            let orig = &text[prev.range()];
            let mut cs = orig.chars();
            if cs.next().is_some_and(char::is_uppercase) && cs.next().is_none() {
                return false;
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokenize;

    fn split(paras: &[&str]) -> Vec<String> {
        let text = paras.join("\n");
        let mut ts = TokenStream::default();
        let mut ranges = vec![];
        let mut off = 0;
        for p in paras {
            let a = ts.tokens.len();
            tokenize(&text, off..off + p.len(), &mut ts);
            ranges.push(a..ts.tokens.len());
            off += p.len() + 1;
        }
        split_sentences(&text, &ts, &ranges)
            .iter()
            .map(|s| text[s.range()].to_string())
            .collect()
    }

    #[test]
    fn abbreviations_initials_and_decimals_do_not_split() {
        assert_eq!(
            split(&[
                "Dr. Wang met Gen. Li on Jan. 14 at No. 10 Downing St. for 2.5 hours. Hugh J. Hill agreed."
            ]),
            [
                "Dr. Wang met Gen. Li on Jan. 14 at No. 10 Downing St. for 2.5 hours.",
                "Hugh J. Hill agreed."
            ]
        );
    }

    #[test]
    fn initialisms_split_only_before_a_sentence_starter() {
        assert_eq!(
            split(&["Ties with the U.S. Navy grew. He went to the U.S. The talks ended."]),
            [
                "Ties with the U.S. Navy grew.",
                "He went to the U.S.",
                "The talks ended."
            ]
        );
    }

    #[test]
    fn quotes_stay_with_their_sentence() {
        assert_eq!(
            split(&["\"Why now?\" he asked. \"Because,\" she said. “We agree.” Then they left!"]),
            [
                "\"Why now?\" he asked.",
                "\"Because,\" she said.",
                "“We agree.”",
                "Then they left!"
            ]
        );
    }

    #[test]
    fn paragraphs_end_sentences_unless_soft_wrapped() {
        assert_eq!(
            split(&[
                "Complicated mentality",
                "The delegation met Wang Huning,",
                "following the meeting in Lima.",
                "Oct.9 was the day."
            ]),
            [
                "Complicated mentality",
                "The delegation met Wang Huning,\nfollowing the meeting in Lima.",
                "Oct.9 was the day."
            ]
        );
    }

    #[test]
    fn stray_quote_mark_joins_the_sentence_before() {
        assert_eq!(
            split(&["They agreed to avoid “decoupling. “"]),
            ["They agreed to avoid “decoupling. “"]
        );
    }

    #[test]
    fn cjk_full_stops_split_without_spaces() {
        assert_eq!(
            split(&["双方表示。对外释放信号。"]),
            ["双方表示。", "对外释放信号。"]
        );
    }
}
