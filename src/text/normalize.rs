//! Normalize: the one definition of "the same word" used by articles and lexicons.
//!
//! NFKC (fullwidth letters, ligatures and compatibility forms to their plain
//! equivalents), then folding of typographic quotes, apostrophes and hyphens to ASCII,
//! then lowercase. Diacritics are kept (they carry meaning in many languages); speaker
//! names fold them separately with [`fold_diacritics`] so that Lü Chao = Lu Chao.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Folds typographic punctuation that should match its ASCII form.
#[inline]
pub fn fold_char(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{02BC}'
        | '\u{FF07}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{FF02}' => '"',
        '\u{2010}' | '\u{2011}' => '-',
        _ => c,
    }
}

/// Appends the normalized form of `s` to `out`.
pub fn normalize_into(s: &str, out: &mut String) {
    if s.is_ascii() {
        let start = out.len();
        out.push_str(s);
        out[start..].make_ascii_lowercase();
        return;
    }
    for c in s.nfkc() {
        let c = fold_char(c);
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase());
        }
    }
}

/// The normalized form of `s` (see the module docs).
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    normalize_into(s, &mut out);
    out
}

/// Removes diacritics: `Lü` → `Lu`, `Etō` → `Eto`, `Đặng` → `Dang`.
pub fn fold_diacritics(s: &str) -> String {
    if s.is_ascii() {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.nfkd() {
        if is_combining_mark(c) {
            continue;
        }
        match c {
            'ø' => out.push('o'),
            'Ø' => out.push('O'),
            'ł' => out.push('l'),
            'Ł' => out.push('L'),
            'đ' => out.push('d'),
            'Đ' => out.push('D'),
            'ß' => out.push_str("ss"),
            'æ' => out.push_str("ae"),
            'œ' => out.push_str("oe"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_width_and_typography() {
        assert_eq!(normalize("Japan’s"), "japan's");
        assert_eq!(normalize("ＡＢＣ"), "abc");
        assert_eq!(normalize("“Mutual Trust”"), "\"mutual trust\"");
        assert_eq!(normalize("ﬁne"), "fine");
        assert_eq!(normalize("Lü"), "lü");
    }

    #[test]
    fn diacritics_fold_for_names() {
        assert_eq!(fold_diacritics("Lü Chao"), "Lu Chao");
        assert_eq!(fold_diacritics("Etō Taku"), "Eto Taku");
        assert_eq!(fold_diacritics("Łódź"), "Lodz");
    }
}
