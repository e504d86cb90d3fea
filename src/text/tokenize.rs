//! Tokenize: split text into word, number, CJK and punctuation tokens with byte offsets.
//!
//! One forward pass over the characters of each kept paragraph. English words keep
//! their inner apostrophes and hyphens (`Japan's`, `mid-January`, `China-Japan`),
//! initialisms keep their dots (`U.S.`), numbers keep decimal points, thousands
//! separators and clock colons (`2.0`, `1,000`, `11:25`), and ordinals stay one word
//! (`9th`). Han and Hiragana are one token per character and Katakana and Hangul runs
//! one token each, which is how lexicon entries in those scripts are tokenized too, so
//! multi-character terms match as token sequences. Every other visible character is a
//! one-character punctuation token (sentence splitting and quote finding need them).

use std::ops::Range;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use super::normalize::{fold_char, normalize_into};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    Word,
    Number,
    Cjk,
    Punct,
    /// The possessive `'s` split off a word (`Japan's` → `japan`, `'s`), so that the
    /// word matches lexicon entries; not counted as a token.
    Clitic,
}

/// A token: `start..end` in the original text, `norm_start..norm_end` in
/// [`TokenStream::norm`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub start: u32,
    pub end: u32,
    pub norm_start: u32,
    pub norm_end: u32,
    pub kind: TokenKind,
}

impl Token {
    pub fn range(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    /// Words, numbers and CJK tokens count as tokens in reports; punctuation and
    /// clitics do not.
    pub fn is_wordlike(&self) -> bool {
        matches!(
            self.kind,
            TokenKind::Word | TokenKind::Number | TokenKind::Cjk
        )
    }
}

/// The tokens of one article and the buffer holding their normalized forms.
///
/// The buffer is itself a matchable text: every normalized token is preceded and
/// followed by a space (`" japan 's ties "`), and a paragraph break is marked by a
/// newline, so a lexicon term `" mutual trust "` matches exactly the token sequences
/// it names, in one scan of the buffer, and never across paragraphs.
#[derive(Debug, Clone)]
pub struct TokenStream {
    pub tokens: Vec<Token>,
    pub norm: String,
}

impl Default for TokenStream {
    fn default() -> Self {
        TokenStream::with_capacity(0)
    }
}

impl TokenStream {
    pub fn with_capacity(text_bytes: usize) -> TokenStream {
        let mut norm = String::with_capacity(text_bytes + text_bytes / 4 + 2);
        norm.push(' ');
        TokenStream {
            tokens: Vec::with_capacity(text_bytes / 5),
            norm,
        }
    }

    /// Marks a paragraph break, so that no multi-word term matches across it.
    pub fn paragraph_break(&mut self) {
        if !self.tokens.is_empty() {
            self.norm.push_str("\n ");
        }
    }

    #[inline]
    pub fn norm(&self, t: &Token) -> &str {
        &self.norm[t.norm_start as usize..t.norm_end as usize]
    }

    pub fn word_count(&self) -> usize {
        self.tokens.iter().filter(|t| t.is_wordlike()).count()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Space,
    Alpha,
    Digit,
    Mark,
    Han,
    Hiragana,
    Katakana,
    Hangul,
    Apostrophe,
    Hyphen,
    Dot,
    Comma,
    Colon,
    Other,
}

const fn ascii_class(b: u8) -> Class {
    match b {
        b'a'..=b'z' | b'A'..=b'Z' => Class::Alpha,
        b'0'..=b'9' => Class::Digit,
        b'\'' => Class::Apostrophe,
        b'-' => Class::Hyphen,
        b'.' => Class::Dot,
        b',' => Class::Comma,
        b':' => Class::Colon,
        0..=0x20 | 0x7f => Class::Space,
        _ => Class::Other,
    }
}

static ASCII_CLASS: [Class; 128] = {
    let mut t = [Class::Other; 128];
    let mut i = 0;
    while i < 128 {
        t[i] = ascii_class(i as u8);
        i += 1;
    }
    t
};

#[inline(always)]
fn class(c: char) -> Class {
    if (c as u32) < 128 {
        ASCII_CLASS[c as usize]
    } else {
        class_non_ascii(c)
    }
}

fn class_non_ascii(c: char) -> Class {
    let u = c as u32;
    match u {
        0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0x20000..=0x2A6DF | 0xF900..=0xFAFF | 0x3005 => {
            Class::Han
        }
        0x3040..=0x309F => Class::Hiragana,
        0x30A0..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F => Class::Katakana,
        0xAC00..=0xD7AF | 0x1100..=0x11FF | 0x3130..=0x318F => Class::Hangul,
        0x2019 | 0x02BC => Class::Apostrophe,
        0x2010 | 0x2011 => Class::Hyphen,
        _ if c.is_whitespace() || c == '\u{200B}' || c == '\u{FEFF}' => Class::Space,
        _ if is_combining_mark(c) => Class::Mark,
        _ if c.is_alphabetic() => Class::Alpha,
        _ if c.is_numeric() => Class::Digit,
        _ => Class::Other,
    }
}

/// Tokenizes `text[range]`, appending to `out`. Offsets are absolute in `text`.
pub fn tokenize(text: &str, range: Range<usize>, out: &mut TokenStream) {
    let s = &text[range.clone()];
    let bytes = s.as_bytes();
    let base = range.start;
    let mut i = 0;
    while i < bytes.len() {
        let (c, cl) = char_class_at(s, i);
        let mut end = i + c.len_utf8();
        let kind = match cl {
            Class::Space => {
                i = end;
                continue;
            }
            Class::Alpha | Class::Digit | Class::Mark => {
                let (e, kind) = scan_word(s, i, cl);
                end = e;
                kind
            }
            Class::Apostrophe
                if i > 0
                    && matches!(char_at(s, end), Some('s' | 'S'))
                    && !char_at(s, end + 1).is_some_and(|y| {
                        matches!(class(y), Class::Alpha | Class::Digit | Class::Mark)
                    })
                    && s[..i].chars().next_back().is_some_and(|p| {
                        matches!(class(p), Class::Alpha | Class::Digit | Class::Mark)
                    }) =>
            {
                end += 1;
                TokenKind::Clitic
            }
            Class::Han | Class::Hiragana => TokenKind::Cjk,
            Class::Katakana | Class::Hangul => {
                while let Some(n) = char_at(s, end) {
                    if class(n) == cl || (cl == Class::Katakana && n == 'ー') {
                        end += n.len_utf8();
                    } else {
                        break;
                    }
                }
                TokenKind::Cjk
            }
            _ => TokenKind::Punct,
        };
        push(out, s, i..end, base, kind);
        i = end;
    }
}

/// The character at byte `i` and its class, with a fast path for ASCII.
#[inline]
fn char_class_at(s: &str, i: usize) -> (char, Class) {
    let b = s.as_bytes()[i];
    if b < 0x80 {
        let c = b as char;
        (c, class(c))
    } else {
        let c = s[i..].chars().next().expect("i is a char boundary");
        (c, class(c))
    }
}

/// Scans a word or number starting at `i` (whose first character has class `first`);
/// returns its end and kind.
fn scan_word(s: &str, i: usize, first: Class) -> (usize, TokenKind) {
    let is_alnum =
        |c: Option<char>| c.is_some_and(|x| matches!(class(x), Class::Alpha | Class::Digit));
    let mut end = i + char_at(s, i).map_or(1, char::len_utf8);
    let mut has_alpha = first == Class::Alpha;
    let mut all_digits = first == Class::Digit;
    // Letters of an initialism so far ("U.S" has 2); 0 once it cannot be one.
    let mut initials = usize::from(first == Class::Alpha);
    let mut len_chars = 1;
    while let Some(n) = char_at(s, end) {
        let ncl = class(n);
        let after = end + n.len_utf8();
        let next = char_at(s, after);
        match ncl {
            Class::Alpha | Class::Digit | Class::Mark => {
                has_alpha |= ncl == Class::Alpha;
                all_digits &= ncl == Class::Digit;
                len_chars += 1;
                if ncl != Class::Mark {
                    initials = 0;
                }
                end = after;
            }
            Class::Apostrophe
                if matches!(next, Some('s' | 'S'))
                    && !char_at(s, after + 1).is_some_and(|y| {
                        matches!(class(y), Class::Alpha | Class::Digit | Class::Mark)
                    }) =>
            {
                // Possessive `'s`: the word ends here; the clitic becomes its own token.
                break;
            }
            Class::Apostrophe if next.is_some_and(|x| class(x) == Class::Alpha) => {
                has_alpha = true;
                all_digits = false;
                initials = 0;
                end = after;
            }
            Class::Hyphen if is_alnum(next) => {
                all_digits = false;
                initials = 0;
                end = after;
            }
            Class::Dot if all_digits && next.is_some_and(|x| class(x) == Class::Digit) => {
                end = after
            }
            Class::Dot
                if (initials == 1 && len_chars == 1 || initials > 1)
                    && next.is_some_and(|x| class(x) == Class::Alpha) =>
            {
                // Single letters separated by dots: U.S., e.g., A.I.
                let after_x = after + next.map_or(0, char::len_utf8);
                let single = !char_at(s, after_x)
                    .is_some_and(|y| matches!(class(y), Class::Alpha | Class::Digit | Class::Mark));
                if !single {
                    break;
                }
                initials += 1;
                end = after_x;
            }
            Class::Dot if initials > 1 => {
                end = after;
                break;
            }
            Class::Comma | Class::Colon if all_digits => {
                // 1,000 and 11:25, but not "2024, 2025" or "1,2"
                let want = if ncl == Class::Comma { 3 } else { 2 };
                let digits = s[after..].bytes().take_while(u8::is_ascii_digit).count();
                if digits != want || s[after + digits..].starts_with(|c: char| c.is_alphanumeric())
                {
                    break;
                }
                end = after + digits;
            }
            _ => break,
        }
    }
    (
        end,
        if has_alpha {
            TokenKind::Word
        } else {
            TokenKind::Number
        },
    )
}

#[inline]
fn char_at(s: &str, i: usize) -> Option<char> {
    s.get(i..)?.chars().next()
}

fn push(out: &mut TokenStream, s: &str, r: Range<usize>, base: usize, kind: TokenKind) {
    let norm_start = out.norm.len();
    let piece = &s[r.clone()];
    match kind {
        TokenKind::Word | TokenKind::Number | TokenKind::Clitic => {
            normalize_into(piece, &mut out.norm)
        }
        TokenKind::Punct if piece.is_ascii() => out.norm.push_str(piece),
        TokenKind::Punct => {
            for c in piece.nfkc() {
                out.norm.push(fold_char(c));
            }
        }
        TokenKind::Cjk => out.norm.extend(piece.nfkc()),
    }
    let norm_end = out.norm.len();
    out.norm.push(' ');
    out.tokens.push(Token {
        start: (base + r.start) as u32,
        end: (base + r.end) as u32,
        norm_start: norm_start as u32,
        norm_end: norm_end as u32,
        kind,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<String> {
        let mut ts = TokenStream::default();
        tokenize(s, 0..s.len(), &mut ts);
        ts.tokens.iter().map(|t| ts.norm(t).to_string()).collect()
    }

    fn kinds(s: &str) -> Vec<TokenKind> {
        let mut ts = TokenStream::default();
        tokenize(s, 0..s.len(), &mut ts);
        ts.tokens.iter().map(|t| t.kind).collect()
    }

    #[test]
    fn english_words_keep_inner_marks() {
        assert_eq!(
            toks("Japan's mid-January visit"),
            ["japan", "'s", "mid-january", "visit"]
        );
        assert_eq!(
            toks("Japan’s ties, it's"),
            ["japan", "'s", "ties", ",", "it", "'s"]
        );
        assert_eq!(toks("Bo'ao 's'"), ["bo'ao", "'", "s", "'"]);
        assert_eq!(
            toks("the U.S. and e.g. U.K"),
            ["the", "u.s.", "and", "e.g.", "u.k"]
        );
        assert_eq!(toks("parties' talks"), ["parties", "'", "talks"]);
        assert_eq!(toks("don't"), ["don't"]);
    }

    #[test]
    fn numbers_and_ordinals() {
        assert_eq!(
            toks("In 2024, 1,000 people; 3.5% at 11:25"),
            [
                "in", "2024", ",", "1,000", "people", ";", "3.5", "%", "at", "11:25"
            ]
        );
        assert_eq!(toks("the 9th meeting"), ["the", "9th", "meeting"]);
        assert_eq!(
            kinds("9th 2024 x"),
            [TokenKind::Word, TokenKind::Number, TokenKind::Word]
        );
        assert_eq!(toks("Oct.9 and 2.0."), ["oct", ".", "9", "and", "2.0", "."]);
        assert_eq!(toks("years 2024,2025"), ["years", "2024", ",", "2025"]);
    }

    #[test]
    fn norm_buffer_is_space_delimited() {
        let s = "Mutual trust";
        let mut ts = TokenStream::default();
        tokenize(s, 0..s.len(), &mut ts);
        ts.paragraph_break();
        tokenize(s, 0..s.len(), &mut ts);
        assert_eq!(ts.norm, " mutual trust \n mutual trust ");
        assert_eq!(ts.word_count(), 4);
    }

    #[test]
    fn sentence_final_single_letter_is_not_an_initialism() {
        assert_eq!(toks("Plan B. Then"), ["plan", "b", ".", "then"]);
    }

    #[test]
    fn cjk_runs() {
        assert_eq!(toks("中日关系"), ["中", "日", "关", "系"]);
        assert_eq!(toks("トランプ氏は"), ["トランプ", "氏", "は"]);
        assert_eq!(toks("한국 외교부"), ["한국", "외교부"]);
        assert_eq!(
            toks("福田達夫(Fukuda)"),
            ["福", "田", "達", "夫", "(", "fukuda", ")"]
        );
    }

    #[test]
    fn diacritics_and_fullwidth() {
        assert_eq!(toks("Lü Chao, Etō"), ["lü", "chao", ",", "etō"]);
        assert_eq!(toks("ＵＳＡ！"), ["usa", "!"]);
        assert_eq!(
            toks("“Yes,” he said"),
            ["\"", "yes", ",", "\"", "he", "said"]
        );
    }

    #[test]
    fn offsets_point_into_the_original() {
        let s = "  “Lü’s”  visit ";
        let mut ts = TokenStream::default();
        tokenize(s, 0..s.len(), &mut ts);
        let orig: Vec<&str> = ts.tokens.iter().map(|t| &s[t.range()]).collect();
        assert_eq!(orig, ["“", "Lü", "’s", "”", "visit"]);
    }
}
