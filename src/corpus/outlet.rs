//! Outlet inference from an article's own wording.
//!
//! When no manifest row or record field names the outlet, an article often names itself:
//! outlets that interview sources write "X told the Global Times", "a Global Times
//! reporter", "the Global Times learned". Citing another outlet reads differently
//! ("according to the Japan Times", "NHK reported"), so only these self-reference cues
//! count. The outlet is inferred only when every cue names the same outlet.

use std::ops::Range;

/// Last words that mark a capitalized phrase as a news outlet's name.
const MEDIA_HEADS: &[&str] = &[
    "Times",
    "Post",
    "News",
    "Daily",
    "Herald",
    "Journal",
    "Tribune",
    "Guardian",
    "Telegraph",
    "Shimbun",
    "Ilbo",
    "Agency",
    "Press",
    "Review",
    "Observer",
    "Economist",
    "Chronicle",
    "Gazette",
    "Mail",
    "Star",
    "Standard",
    "Monitor",
    "Insider",
    "Today",
    "Network",
    "Broadcasting",
    "Radio",
    "Television",
    "TV",
    "Magazine",
    "Weekly",
    "Reporter",
    "Courier",
    "Sentinel",
    "Dispatch",
    "Wire",
    "Media",
    "Newspaper",
    "Bulletin",
    "Ledger",
    "Register",
];

/// Outlets whose names carry no head word.
const KNOWN_OUTLETS: &[&str] = &[
    "Xinhua",
    "Reuters",
    "Bloomberg",
    "NHK",
    "Kyodo",
    "Yonhap",
    "CNN",
    "BBC",
    "AFP",
    "CGTN",
    "Nikkei",
    "Asahi",
    "Caixin",
    "Politico",
    "Axios",
];

/// The outlet named by self-reference cues, if exactly one is named.
pub fn infer(text: &str, paragraphs: &[Range<usize>]) -> Option<String> {
    let mut found: Option<String> = None;
    for r in paragraphs {
        let p = &text[r.clone()];
        for name in cues(p) {
            match &found {
                None => found = Some(name),
                Some(f) if *f == name => {}
                Some(_) => return None,
            }
        }
    }
    found
}

fn cues(p: &str) -> Vec<String> {
    let mut out = Vec::new();
    // "told the NAME"
    for (i, _) in p.match_indices("told the ") {
        if let Some(n) = outlet_name(&p[i + 9..]) {
            out.push(n);
        }
    }
    // "a NAME reporter", "the NAME learned"
    for lead in ["a ", "A ", "the ", "The "] {
        for (i, _) in p.match_indices(lead) {
            if i > 0 && p.as_bytes()[i - 1].is_ascii_alphanumeric() {
                continue;
            }
            let rest = &p[i + lead.len()..];
            if let Some(n) = outlet_name(rest) {
                let after = rest[n.len()..].trim_start();
                let lower_lead = lead.to_ascii_lowercase();
                let cue = if lower_lead == "a " {
                    after.starts_with("reporter") || after.starts_with("correspondent")
                } else {
                    after.starts_with("learned") || after.starts_with("has learned")
                };
                if cue {
                    out.push(n);
                }
            }
        }
    }
    out
}

/// Reads a capitalized outlet name (up to five words) at the start of `s`.
fn outlet_name(s: &str) -> Option<String> {
    let mut end = 0;
    let mut best = None;
    for (k, w) in s.split(' ').take(5).enumerate() {
        let word = w.trim_end_matches([',', '.', ';', ':', '\'', '’', '"', '”']);
        let word = word
            .strip_suffix("'s")
            .or_else(|| word.strip_suffix("’s"))
            .unwrap_or(word);
        if !word.chars().next().is_some_and(char::is_uppercase) {
            break;
        }
        let start = if k == 0 { 0 } else { end + 1 };
        end = start + w.len();
        if MEDIA_HEADS.contains(&word) || (k == 0 && KNOWN_OUTLETS.contains(&word)) {
            best = Some(s[..start + word.len()].to_string());
        }
        if word.len() != w.len() {
            break;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(t: &str) -> Option<String> {
        infer(t, std::slice::from_ref(&(0..t.len())))
    }

    #[test]
    fn told_the_outlet_is_a_self_reference() {
        assert_eq!(
            run("Lü Chao, an expert, told the Global Times on Monday.").as_deref(),
            Some("Global Times")
        );
        assert_eq!(
            run("She told the Daily Ledger that talks matter.").as_deref(),
            Some("Daily Ledger")
        );
        assert_eq!(
            run("A Harbor Post reporter saw the talks.").as_deref(),
            Some("Harbor Post")
        );
    }

    #[test]
    fn citations_and_conflicts_infer_nothing() {
        assert_eq!(run("According to the Japan Times, talks resumed."), None);
        assert_eq!(run("He told the committee that talks resumed."), None);
        assert_eq!(
            run("She told the Global Times and told the Japan Times."),
            None
        );
    }
}
