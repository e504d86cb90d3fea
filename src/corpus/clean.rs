//! Clean: find web boilerplate and keep the prose, by byte range.
//!
//! Cleaning never rewrites the text. It splits the original text into lines (each line
//! is a paragraph in news copy), drops whole lines that are page furniture (comment
//! forms, visit counters, share and close widgets, bylines, stray hash lines, photo
//! credits) and trims known spam prefixes and photo-credit tails, returning the byte
//! ranges of what is left. Later stages tokenize only those ranges, so every offset in
//! every report still points into the original text.
//!
//! The rules are deliberately conservative: a line is only dropped when it is short and
//! matches a known furniture pattern, so article prose is never removed.

use std::ops::Range;

use super::Format;

/// Lines longer than this are prose whatever they start with.
const MAX_FURNITURE_CHARS: usize = 120;
/// A footer (from "Leave a Reply" on) is cut whole only if no line in it is longer.
const MAX_FOOTER_LINE_CHARS: usize = 200;

/// Starts of lines that are page furniture (compared lowercased).
const FURNITURE_PREFIXES: &[&str] = &[
    "your email address will not be published",
    "required fields are marked",
    "share this",
    "share on ",
    "click to share",
    "click to print",
    "click to email",
    "like this:",
    "related posts",
    "related articles",
    "related stories",
    "related:",
    "more to read",
    "read more:",
    "also read:",
    "see also:",
    "recommended for you",
    "advertisement",
    "sponsored content",
    "subscribe to ",
    "sign up for our",
    "follow us on",
    "skip to content",
    "exit mobile version",
    "close search window",
    "all rights reserved",
    "copyright ©",
    "©",
    "photo:",
    "photo credit",
    "photos:",
    "file photo",
    "(photo",
    "image:",
    "image credit",
    "written by ",
    "posted on ",
    "published on ",
    "last updated",
    "updated on ",
    "tags:",
    "filed under",
    "print this",
    "email this",
];

/// Whole lines that are widget labels (compared lowercased, trailing ':' ignored).
const FURNITURE_LINES: &[&str] = &[
    "close",
    "share",
    "tweet",
    "print",
    "email",
    "menu",
    "search",
    "home",
    "next",
    "previous",
    "reply",
    "comments",
    "top",
    "back to top",
    "loading...",
    "facebook",
    "twitter",
    "linkedin",
    "whatsapp",
    "more",
];

/// Spam injected at the start of a prose line by scrapers or ad networks.
const SPAM_PREFIXES: &[&str] = &["MK sports ", "MK Sports ", "MKsports "];

/// Lines that open a comment-form footer.
const FOOTER_STARTS: &[&str] = &[
    "leave a reply",
    "leave a comment",
    "post a comment",
    "add a comment",
];

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cleaned {
    /// The title line, for formats whose first line is the title.
    pub title: Option<Range<usize>>,
    /// Kept body lines, trimmed, in order.
    pub paragraphs: Vec<Range<usize>>,
    /// Characters (Unicode scalar values) removed as boilerplate.
    pub chars_removed: usize,
}

/// Splits `text` into kept paragraphs (and a title line for text formats).
pub fn clean(text: &str, format: Format) -> Cleaned {
    let lines = trimmed_lines(text);
    let mut out = Cleaned::default();
    let mut i = 0;
    while i < lines.len() {
        let r = lines[i].clone();
        let line = &text[r.clone()];
        if is_footer_start(line) {
            let rest = &lines[i..];
            let all_short = rest
                .iter()
                .all(|l| text[l.clone()].chars().count() <= MAX_FOOTER_LINE_CHARS);
            if all_short {
                out.chars_removed += rest
                    .iter()
                    .map(|l| text[l.clone()].chars().count())
                    .sum::<usize>();
                break;
            }
            out.chars_removed += line.chars().count();
            i += 1;
            continue;
        }
        if is_furniture(line) || is_byline(line, out.title.is_none() && out.paragraphs.is_empty()) {
            out.chars_removed += line.chars().count();
            i += 1;
            continue;
        }
        let mut kept = trim_inline(text, r.clone());
        if out.paragraphs.is_empty() && (out.title.is_some() || !format.has_title_line()) {
            kept.start += dateline_len(&text[kept.clone()]);
        }
        out.chars_removed +=
            text[r.start..kept.start].chars().count() + text[kept.end..r.end].chars().count();
        if !kept.is_empty() {
            if format.has_title_line() && out.title.is_none() {
                out.title = Some(markdown_title(text, kept, format));
            } else {
                out.paragraphs.push(kept);
            }
        }
        i += 1;
    }
    out
}

/// Line ranges without their line ending and surrounding white space; blank lines
/// are left out.
fn trimmed_lines(text: &str) -> Vec<Range<usize>> {
    let mut lines = Vec::new();
    let mut start = 0;
    // `split` on a char finds line ends with a vectorized search.
    for line in text.split('\n') {
        push_trimmed(text, start..start + line.len(), &mut lines);
        start += line.len() + 1;
    }
    lines
}

fn push_trimmed(text: &str, r: Range<usize>, out: &mut Vec<Range<usize>>) {
    let s = &text[r.clone()];
    let t = s.trim_start();
    let lead = s.len() - t.len();
    let t = t.trim_end();
    if !t.is_empty() {
        out.push(r.start + lead..r.start + lead + t.len());
    }
}

/// Case-insensitive (ASCII) prefix test; `prefix` is lowercase.
fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

fn is_footer_start(line: &str) -> bool {
    line.len() < 40 && FOOTER_STARTS.iter().any(|f| starts_with_ci(line, f))
}

fn is_furniture(line: &str) -> bool {
    // Cheap length tests first: most prose lines are far too long to be furniture.
    if line.len() > 4 * MAX_FURNITURE_CHARS
        || (line.len() > MAX_FURNITURE_CHARS && line.chars().count() > MAX_FURNITURE_CHARS)
    {
        return false;
    }
    let bare = line.trim_end_matches(':').trim();
    if FURNITURE_LINES.iter().any(|w| bare.eq_ignore_ascii_case(w))
        || FURNITURE_PREFIXES.iter().any(|p| starts_with_ci(line, p))
    {
        return true;
    }
    (line.len() <= 60 && is_counter(&line.to_lowercase())) || is_hash_or_rule(line)
}

/// "Visited 2 times, 1 visit(s) today", "1,234 views", "5 min read".
fn is_counter(lower: &str) -> bool {
    let words: Vec<&str> = lower.split_whitespace().collect();
    let numeric = |w: &str| {
        !w.is_empty()
            && w.trim_end_matches(',')
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b',')
    };
    match words.as_slice() {
        ["visited", n, "times" | "times,", ..] if numeric(n) => true,
        [n, unit, ..] if numeric(n) => {
            matches!(
                *unit,
                "views" | "view" | "visits" | "visit(s)" | "reads" | "min" | "minute" | "minutes"
            ) && words.len() <= 6
        }
        _ => false,
    }
}

/// A line that is only a hex digest (`94d6768a013947ea9118fa6181f7daa8`), or only rule
/// characters (`----`, `***`, `###`).
fn is_hash_or_rule(line: &str) -> bool {
    let hex = line.len() >= 16
        && line.bytes().all(|b| b.is_ascii_hexdigit())
        && line.bytes().any(|b| b.is_ascii_digit());
    let rule = line.len() >= 3
        && line
            .bytes()
            .all(|b| matches!(b, b'-' | b'*' | b'=' | b'_' | b'#' | b'~' | b' '));
    hex || rule
}

/// "By Jane Doe" or "By Jane Doe | Jan 14, 2025" near the top of the article.
fn is_byline(line: &str, at_top: bool) -> bool {
    if !at_top {
        return false;
    }
    let Some(rest) = line
        .strip_prefix("By ")
        .or_else(|| line.strip_prefix("BY "))
    else {
        return false;
    };
    let name = rest.split(['|', ',', '·']).next().unwrap_or("");
    let words: Vec<&str> = name.split_whitespace().collect();
    !words.is_empty()
        && words.len() <= 5
        && line.chars().count() <= 80
        && words
            .iter()
            .all(|w| w.chars().next().is_some_and(|c| c.is_uppercase()) || *w == "and")
}

/// Trims spam prefixes and a trailing photo credit ("China Japan Photo:VCG") from a line.
fn trim_inline(text: &str, r: Range<usize>) -> Range<usize> {
    let mut start = r.start;
    let mut end = r.end;
    for p in SPAM_PREFIXES {
        if text[start..end].starts_with(p) {
            start += p.len();
            start += text[start..end].len() - text[start..end].trim_start().len();
        }
    }
    let line = &text[start..end];
    // Credits sit on short caption or title lines; long prose is left alone.
    if line.len() > 300 || !line.contains("hoto") {
        return start..end;
    }
    for marker in [
        " Photo:",
        " Photo: ",
        " Photo by ",
        " (Photo",
        " File photo:",
    ] {
        if let Some(pos) = line.rfind(marker) {
            let tail = &line[pos..];
            let shortish = tail.chars().count() <= 40 && !tail.contains(". ");
            if shortish && pos > 0 {
                end = start + line[..pos].trim_end().len();
                break;
            }
        }
    }
    start..end
}

/// Length of a wire dateline opening the first paragraph: `TOKYO (Reuters) - `,
/// `BEIJING, Jan. 14 (Xinhua) -- `, `WASHINGTON — `. Zero if there is none.
pub fn dateline_len(p: &str) -> usize {
    let b = p.as_bytes();
    let mut i = 0;
    // An upper-case place name (letters, spaces, dots, commas, apostrophes).
    while i < b.len()
        && i < 40
        && (b[i].is_ascii_uppercase() || matches!(b[i], b' ' | b'.' | b'\'' | b'-'))
    {
        if b[i] == b'-' && i + 1 < b.len() && (b[i + 1] == b' ' || b[i + 1] == b'-') {
            break;
        }
        i += 1;
    }
    let place = p[..i].trim();
    if place.len() < 3 || place.bytes().filter(u8::is_ascii_uppercase).count() < 3 {
        return 0;
    }
    let mut rest = &p[i..];
    // ", Jan. 14" and "(Outlet)"
    if let Some(r) = rest.strip_prefix(',') {
        let upto = r.find(['(', '-', '—', '–']).unwrap_or(0);
        if upto == 0 || upto > 20 {
            return 0;
        }
        rest = &r[upto..];
    }
    let rest_t = rest.trim_start();
    let rest = if let Some(r) = rest_t.strip_prefix('(') {
        match r.find(')') {
            Some(k) if k <= 40 => &r[k + 1..],
            _ => return 0,
        }
    } else {
        rest_t
    };
    let rest_t = rest.trim_start();
    for dash in ["--", "-", "—", "–"] {
        if let Some(after) = rest_t.strip_prefix(dash)
            && after.starts_with(' ')
        {
            let after = after.trim_start();
            return p.len() - after.len();
        }
    }
    0
}

/// Strips Markdown heading marks from a title line.
fn markdown_title(text: &str, r: Range<usize>, format: Format) -> Range<usize> {
    if format != Format::Markdown {
        return r;
    }
    let s = &text[r.clone()];
    let t = s.trim_start_matches('#').trim_start();
    r.start + (s.len() - t.len())..r.end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(text: &str) -> (Option<String>, Vec<String>, usize) {
        let c = clean(text, Format::Text);
        (
            c.title.map(|r| text[r].to_string()),
            c.paragraphs
                .into_iter()
                .map(|r| text[r].to_string())
                .collect(),
            c.chars_removed,
        )
    }

    #[test]
    fn comment_form_footer_is_cut_whole() {
        let t = "Title\n\nProse one.\n\nLeave a Reply\n\nYour email address will not be published. Required fields are marked *\n";
        let (title, body, removed) = kept(t);
        assert_eq!(title.as_deref(), Some("Title"));
        assert_eq!(body, ["Prose one."]);
        assert_eq!(removed, 13 + 70);
    }

    #[test]
    fn widgets_counters_and_hash_lines_go_but_prose_stays() {
        let t = "Written by 11:25 AM World\n\nReal title\n\n94d6768a013947ea9118fa6181f7daa8\n\nThe minister said: Close ties matter.\n\nVisited 2 times, 1 visit(s) today\nClose Search Window\nClose\nExit mobile version\n";
        let (title, body, _) = kept(t);
        assert_eq!(title.as_deref(), Some("Real title"));
        assert_eq!(body, ["The minister said: Close ties matter."]);
    }

    #[test]
    fn spam_prefix_and_photo_credit_are_trimmed_not_the_line() {
        let t = "China Japan Photo:VCG\nHe met a delegation,\nMK sports led by the secretary general.\n";
        let (title, body, removed) = kept(t);
        assert_eq!(title.as_deref(), Some("China Japan"));
        assert_eq!(
            body,
            ["He met a delegation,", "led by the secretary general."]
        );
        assert_eq!(removed, "Photo:VCG".len() + "MK sports ".len() + 1);
    }

    #[test]
    fn long_prose_starting_like_furniture_is_kept() {
        let long = format!(
            "Share this view of history, the minister said, {}",
            "and more words ".repeat(10)
        );
        let t = format!("T\n{long}\n");
        let (_, body, removed) = kept(&t);
        assert_eq!(body, [long.trim()]);
        assert_eq!(removed, 0);
    }

    #[test]
    fn footer_with_long_prose_after_it_keeps_the_prose() {
        let prose = "x".repeat(250);
        let t = format!("T\nA.\nLeave a Reply\n{prose}\n");
        let (_, body, _) = kept(&t);
        assert_eq!(body, ["A.".to_string(), prose]);
    }

    #[test]
    fn bylines_only_at_top() {
        let (title, body, _) =
            kept("By Jane Doe | Jan 14, 2025\nTitle\nBy the way, talks resumed.\n");
        assert_eq!(title.as_deref(), Some("Title"));
        assert_eq!(body, ["By the way, talks resumed."]);
    }

    #[test]
    fn wire_datelines_are_trimmed() {
        assert_eq!(
            dateline_len("TOKYO (Pacific Ledger) - Japan will"),
            "TOKYO (Pacific Ledger) - ".len()
        );
        assert_eq!(
            dateline_len("BEIJING, Jan. 14 (Xinhua) -- China said"),
            "BEIJING, Jan. 14 (Xinhua) -- ".len()
        );
        assert_eq!(dateline_len("WASHINGTON — The"), "WASHINGTON — ".len());
        assert_eq!(dateline_len("US President Joe Biden - no"), 0);
        assert_eq!(dateline_len("A delegation of Japan's"), 0);
        let (_, body, _) = kept("T\nSEOUL (Meridian) - Talks stalled.\nNEXT (X) - stays.\n");
        assert_eq!(body, ["Talks stalled.", "NEXT (X) - stays."]);
    }

    #[test]
    fn offsets_survive_crlf() {
        let t = "Title\r\n\r\nBody one.\r\nBody two.\r\n";
        let c = clean(t, Format::Text);
        assert_eq!(&t[c.paragraphs[1].clone()], "Body two.");
    }
}
