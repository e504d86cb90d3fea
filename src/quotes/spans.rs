//! Quote spans: direct quotations found on the original text, per paragraph.
//!
//! Handles curly and straight double quotes (and mismatched pairs of them), British
//! single quotes (told apart from apostrophes by what surrounds them), `«»`, `「」` and
//! `『』`. An unclosed quote runs to the end of its paragraph instead of swallowing the
//! article; a paragraph that opens a quote it never closes, followed by a paragraph that
//! opens another, is the news convention for a quote running over several paragraphs.

use std::ops::Range;

/// One quotation: the marks' positions and the text between them (byte offsets into
/// the original text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteSpan {
    pub open: usize,
    pub inner: Range<usize>,
    /// End of the closing mark; the paragraph end when the quote is left open.
    pub end: usize,
    pub closed: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Family {
    Double,
    Single,
    Guillemet,
    Corner,
    WhiteCorner,
}

fn opener(c: char) -> Option<Family> {
    match c {
        '“' | '"' | '„' | '＂' => Some(Family::Double),
        '‘' | '\'' => Some(Family::Single),
        '«' => Some(Family::Guillemet),
        '「' => Some(Family::Corner),
        '『' => Some(Family::WhiteCorner),
        _ => None,
    }
}

fn closes(f: Family, c: char) -> bool {
    match f {
        Family::Double => matches!(c, '”' | '"' | '“' | '＂'),
        Family::Single => matches!(c, '’' | '\''),
        Family::Guillemet => c == '»',
        Family::Corner => c == '」',
        Family::WhiteCorner => c == '』',
    }
}

/// Quotes in the paragraph `text[para]`.
pub fn find(text: &str, para: Range<usize>) -> Vec<QuoteSpan> {
    let s = &text[para.clone()];
    let base = para.start;
    // Quotation marks are '"', '\'' or multi-byte marks led by 0xC2, 0xE2, 0xE3 or 0xEF.
    if !s
        .bytes()
        .any(|b| matches!(b, b'"' | b'\'' | 0xC2 | 0xE2 | 0xE3 | 0xEF))
    {
        return Vec::new();
    }
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut out = Vec::new();
    let mut open: Option<(usize, Family, usize)> = None; // (mark start, family, inner start)
    for (k, &(i, c)) in chars.iter().enumerate() {
        let prev = if k > 0 { Some(chars[k - 1].1) } else { None };
        let next = chars.get(k + 1).map(|x| x.1);
        match open {
            Some((o, f, inner)) => {
                let single_close = f != Family::Single || !next.is_some_and(char::is_alphanumeric);
                if closes(f, c)
                    && single_close
                    && !(c == '“' && prev.is_none_or(char::is_whitespace))
                {
                    out.push(QuoteSpan {
                        open: base + o,
                        inner: base + inner..base + i,
                        end: base + i + c.len_utf8(),
                        closed: true,
                    });
                    open = None;
                } else if c == '“' && prev.is_none_or(char::is_whitespace) && f == Family::Double
                {
                    // A new opening curly quote while one is open: the first was left
                    // unclosed; recover by ending it here.
                    out.push(QuoteSpan {
                        open: base + o,
                        inner: base + inner..base + trim_end_at(s, i),
                        end: base + trim_end_at(s, i),
                        closed: false,
                    });
                    open = Some((i, Family::Double, i + c.len_utf8()));
                }
            }
            None => {
                let Some(f) = opener(c) else { continue };
                if f == Family::Single {
                    // An apostrophe-like mark opens a quote only at a word start.
                    let at_start = prev
                        .is_none_or(|p| p.is_whitespace() || matches!(p, '(' | '[' | '—' | '–'));
                    if !at_start || !next.is_some_and(char::is_alphanumeric) {
                        continue;
                    }
                    // A straight mark before a digit is an elision ("the '90s").
                    if c == '\'' && !next.is_some_and(char::is_alphabetic) {
                        continue;
                    }
                }
                if c == '”' {
                    continue;
                }
                open = Some((i, f, i + c.len_utf8()));
            }
        }
    }
    // A straight single mark left open was an apostrophe ("the '90s"), not a quote.
    if let Some((o, f, inner)) = open
        && !(f == Family::Single && s[o..].starts_with('\''))
    {
        out.push(QuoteSpan {
            open: base + o,
            inner: base + inner..para.end,
            end: para.end,
            closed: false,
        });
    }
    out
}

fn trim_end_at(s: &str, i: usize) -> usize {
    s[..i].trim_end().len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inner(s: &str) -> Vec<(String, bool)> {
        find(s, 0..s.len())
            .into_iter()
            .map(|q| (s[q.inner].to_string(), q.closed))
            .collect()
    }

    #[test]
    fn marks_of_every_kind() {
        assert_eq!(
            inner("He said “yes, we agree.” Then"),
            [("yes, we agree.".to_string(), true)]
        );
        assert_eq!(
            inner("\"Straight,\" he said, \"works.\""),
            [("Straight,".into(), true), ("works.".into(), true)]
        );
        assert_eq!(
            inner("‘British style,’ she said."),
            [("British style,".into(), true)]
        );
        assert_eq!(
            inner("«Bonjour» et 「こんにちは」"),
            [("Bonjour".into(), true), ("こんにちは".into(), true)]
        );
        assert_eq!(inner("a “mixed pair\" here"), [("mixed pair".into(), true)]);
    }

    #[test]
    fn straight_single_quotes_in_british_style() {
        assert_eq!(
            inner("'It is a reopening, not a reset,' said one envoy."),
            [("It is a reopening, not a reset,".into(), true)]
        );
        assert_eq!(
            inner("He said the visit showed 'both want calm'. Then King's men left."),
            [("both want calm".into(), true)]
        );
        assert!(inner("Since the '90s, Japan's trade grew; officials' views differ.").is_empty());
    }

    #[test]
    fn apostrophes_are_not_quotes() {
        assert!(inner("Japan’s ties and the parties’ talks, rock ’n’ roll").is_empty());
        assert_eq!(
            inner("the ‘continued warming up’ of ties"),
            [("continued warming up".into(), true)]
        );
    }

    #[test]
    fn unclosed_quotes_recover_at_the_paragraph_end() {
        assert_eq!(
            inner("He believes “This visit is high-level."),
            [("This visit is high-level.".into(), false)]
        );
        let got = inner("“First part. “Second part.”");
        assert_eq!(
            got,
            [("First part.".into(), false), ("Second part.".into(), true)]
        );
    }
}
