//! Lexicon file formats: the native one, and importers for VADER and LIWC files.
//!
//! Native: UTF-8, `term<TAB>category<TAB>weight` (`.tsv`, `.txt`) or the same three
//! columns as CSV (`.csv`); `#` starts a comment line; blank lines are fine; a header
//! row `term,category,weight` is skipped. A term may be several words and may end in
//! `*` (a prefix wildcard on its last word). The weight may be left out for kinds that
//! have a default (frames, targets and the rule lists).
//!
//! VADER (`vader_lexicon.txt`): `token<TAB>mean<TAB>sd<TAB>[ratings]`, detected by its
//! four columns; the mean is the weight; repeated tokens are allowed, the last wins (as
//! in VADER). LIWC (`.dic`): a `%`-delimited block of `id name` categories, then
//! `term id id …` lines; weight 1 (or the kind's default).

use std::path::Path;

use super::{Kind, Problem};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Native,
    Vader,
    Liwc,
}

impl Format {
    pub fn from_name(s: &str) -> Option<Format> {
        match s.to_ascii_lowercase().as_str() {
            "native" | "tsv" | "csv" => Some(Format::Native),
            "vader" => Some(Format::Vader),
            "liwc" | "dic" => Some(Format::Liwc),
            _ => None,
        }
    }

    /// By extension (`.dic` is LIWC), else by content (four tab-separated columns
    /// whose last starts with `[` is VADER), else native.
    pub fn detect(path: &Path, text: &str) -> Format {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        if ext == "dic" {
            return Format::Liwc;
        }
        let first = text
            .lines()
            .map(str::trim_end)
            .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
        if let Some(l) = first {
            let cols: Vec<&str> = l.split('\t').collect();
            if cols.len() == 4
                && cols[3].trim_start().starts_with('[')
                && cols[1].trim().parse::<f64>().is_ok()
            {
                return Format::Vader;
            }
        }
        Format::Native
    }
}

/// One entry as read from a file, before normalization.
#[derive(Debug, Clone, PartialEq)]
pub struct RawEntry {
    /// The term as written, without a trailing `*`.
    pub term: String,
    pub wildcard: bool,
    pub category: String,
    pub weight: f64,
    pub line: usize,
}

/// The entries of one file, its format, and whether repeated terms are allowed (the
/// last one winning, as in VADER's own loader).
#[derive(Debug, Clone)]
pub struct FileEntries {
    pub format: Format,
    pub entries: Vec<RawEntry>,
}

/// Reads a lexicon file. Problems are appended; entries with problems are left out.
pub fn read_file(
    path: &Path,
    kind: Kind,
    format: Option<Format>,
    problems: &mut Vec<Problem>,
) -> FileEntries {
    let mut problem = |line: usize, message: String| {
        problems.push(Problem {
            path: path.to_path_buf(),
            line,
            message,
        })
    };
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            problem(0, format!("cannot read: {e}"));
            return FileEntries {
                format: Format::Native,
                entries: vec![],
            };
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
            problem(line, "not UTF-8: re-save the file as UTF-8".into());
            return FileEntries {
                format: Format::Native,
                entries: vec![],
            };
        }
    };
    let text = text
        .strip_prefix('\u{feff}')
        .unwrap_or(&text)
        .replace("\r\n", "\n");
    let format = format.unwrap_or_else(|| Format::detect(path, &text));
    let is_csv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let mut entries = Vec::new();
    let mut add = |line: usize,
                   term: &str,
                   category: &str,
                   weight: Option<&str>,
                   problem: &mut dyn FnMut(usize, String)| {
        match entry(kind, line, term, category, weight) {
            Ok(e) => entries.push(e),
            Err(m) => problem(line, m),
        }
    };
    match format {
        Format::Native if is_csv => {
            let mut rdr = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .comment(Some(b'#'))
                .from_reader(text.as_bytes());
            for rec in rdr.records() {
                let rec = match rec {
                    Ok(r) => r,
                    Err(e) => {
                        let line = e.position().map_or(0, |p| p.line() as usize);
                        problem(line, format!("unreadable CSV row ({e}): check the quoting"));
                        continue;
                    }
                };
                let line = rec.position().map_or(0, |p| p.line() as usize);
                let cols: Vec<&str> = rec.iter().collect();
                if cols.iter().all(|c| c.trim().is_empty()) || is_header(&cols) {
                    continue;
                }
                native_columns(line, &cols, "term,category,weight", &mut add, &mut problem);
            }
        }
        Format::Native => {
            for (i, raw) in text.split('\n').enumerate() {
                let line = i + 1;
                if raw.trim().is_empty() || raw.trim_start().starts_with('#') {
                    continue;
                }
                let cols: Vec<&str> = raw.split('\t').collect();
                if is_header(&cols) {
                    continue;
                }
                if cols.len() == 1 {
                    problem(
                        line,
                        "no tab found: columns are term<TAB>category<TAB>weight, separated by tabs, not spaces".into(),
                    );
                    continue;
                }
                native_columns(
                    line,
                    &cols,
                    "term<TAB>category<TAB>weight",
                    &mut add,
                    &mut problem,
                );
            }
        }
        Format::Vader => {
            for (i, raw) in text.split('\n').enumerate() {
                let line = i + 1;
                if raw.trim().is_empty() {
                    continue;
                }
                // VADER's loader strips the line and reads the first two columns.
                let cols: Vec<&str> = raw.trim().split('\t').collect();
                if cols.len() < 2 {
                    problem(
                        line,
                        "expected token<TAB>mean<TAB>sd<TAB>[ratings] (VADER format)".into(),
                    );
                    continue;
                }
                // Terms are literal (emoticons such as `*)` are not wildcards).
                match cols[1].trim().parse::<f64>() {
                    Ok(w) if w.is_finite() && !cols[0].is_empty() => entries.push(RawEntry {
                        term: cols[0].to_string(),
                        wildcard: false,
                        category: "vader".into(),
                        weight: w,
                        line,
                    }),
                    _ => problem(
                        line,
                        format!(
                            "weight '{}' is not a number (VADER format: token<TAB>mean<TAB>sd<TAB>[ratings])",
                            cols[1]
                        ),
                    ),
                }
            }
        }
        Format::Liwc => read_liwc(&text, kind, &mut add, &mut problem),
    }
    FileEntries { format, entries }
}

type Add<'a> = dyn FnMut(usize, &str, &str, Option<&str>, &mut dyn FnMut(usize, String)) + 'a;

fn native_columns(
    line: usize,
    cols: &[&str],
    shape: &str,
    add: &mut Add<'_>,
    problem: &mut dyn FnMut(usize, String),
) {
    match cols.len() {
        2 => add(line, cols[0], cols[1], None, problem),
        3 => add(line, cols[0], cols[1], Some(cols[2]), problem),
        n => problem(line, format!("expected 3 columns ({shape}), found {n}")),
    }
}

fn is_header(cols: &[&str]) -> bool {
    cols.len() >= 2
        && cols[0].trim().eq_ignore_ascii_case("term")
        && cols[1].trim().eq_ignore_ascii_case("category")
}

fn read_liwc(text: &str, kind: Kind, add: &mut Add<'_>, problem: &mut dyn FnMut(usize, String)) {
    let mut cats = std::collections::HashMap::new();
    let mut section = 0; // 0 before the first %, 1 in the category block, 2 in entries
    for (i, raw) in text.split('\n').enumerate() {
        let line = i + 1;
        let l = raw.trim();
        if l.is_empty() {
            continue;
        }
        if l == "%" {
            section += 1;
            continue;
        }
        match section {
            0 => problem(
                line,
                "a LIWC .dic file starts with a line holding only %".into(),
            ),
            1 => {
                let mut parts = l.split_whitespace();
                match (parts.next(), parts.next()) {
                    (Some(id), Some(name)) => {
                        cats.insert(id.to_string(), name.to_string());
                    }
                    _ => problem(line, "expected `id name` in the category block".into()),
                }
            }
            _ => {
                let cols: Vec<&str> = if l.contains('\t') {
                    l.split('\t')
                        .map(str::trim)
                        .filter(|c| !c.is_empty())
                        .collect()
                } else {
                    l.split_whitespace().collect()
                };
                if cols.len() < 2 {
                    problem(
                        line,
                        "expected `term id …` (a term and at least one category id)".into(),
                    );
                    continue;
                }
                for id in &cols[1..] {
                    match cats.get(*id) {
                        Some(name) => {
                            let w = kind.default_weight().unwrap_or(1.0).to_string();
                            add(line, cols[0], name, Some(&w), problem)
                        }
                        None => problem(
                            line,
                            format!("category id {id} is not defined in the % block: add it there"),
                        ),
                    }
                }
            }
        }
    }
}

/// Validates one entry's columns.
fn entry(
    kind: Kind,
    line: usize,
    term: &str,
    category: &str,
    weight: Option<&str>,
) -> Result<RawEntry, String> {
    let term = term.trim();
    let (term, wildcard) = match term.strip_suffix('*') {
        Some(t) => (t.trim_end(), true),
        None => (term, false),
    };
    if term.is_empty() {
        return Err("empty term: write the word or phrase in the first column".into());
    }
    if term.contains('*') {
        return Err(format!(
            "wildcard * in the middle of '{term}*': a * may only end a term (\"cooperat*\")"
        ));
    }
    let category = category.trim();
    if category.is_empty() {
        return Err(format!(
            "empty category for '{term}': name the {} in the second column",
            category_noun(kind)
        ));
    }
    let weight = match weight.map(str::trim).filter(|w| !w.is_empty()) {
        None => kind.default_weight().ok_or_else(|| {
            format!(
                "missing weight for '{term}': {} entries need a third column with a number",
                kind.name()
            )
        })?,
        Some(w) => match w.parse::<f64>() {
            Ok(v) if v.is_finite() => v,
            _ => {
                return Err(format!(
                    "weight '{w}' is not a number: use a number such as 1, -0.5 or 2.3"
                ));
            }
        },
    };
    if kind == Kind::Sentiment && !(-4.0..=4.0).contains(&weight) {
        return Err(format!(
            "valence {weight} of '{term}' is outside -4..4: rescale it to VADER's range"
        ));
    }
    if kind == Kind::Stance && weight == 0.0 {
        return Err(format!(
            "weight 0 of '{term}' has no direction: use a positive weight for the axis's positive pole, negative for the other"
        ));
    }
    if matches!(kind, Kind::Frames | Kind::Targets) && weight <= 0.0 {
        return Err(format!(
            "weight {weight} of '{term}' must be positive for {}",
            kind.name()
        ));
    }
    Ok(RawEntry {
        term: term.to_string(),
        wildcard,
        category: category.to_string(),
        weight,
        line,
    })
}

fn category_noun(kind: Kind) -> &'static str {
    match kind {
        Kind::Stance => "stance axis",
        Kind::Frames => "frame",
        Kind::Targets => "target entity",
        _ => "category",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(name: &str, body: &str, kind: Kind) -> (FileEntries, Vec<String>) {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join(name);
        std::fs::write(&p, body).unwrap();
        let mut probs = vec![];
        let f = read_file(&p, kind, None, &mut probs);
        let msgs = probs
            .iter()
            .map(|p| format!("{}: {}", p.line, p.message))
            .collect();
        (f, msgs)
    }

    #[test]
    fn native_tsv_with_comments_wildcards_and_defaults() {
        let (f, probs) = read(
            "frames.tsv",
            "# frames\n\nterm\tcategory\tweight\ncooperat*\teconomic\nmutual trust\tdiplomacy\t2\n",
            Kind::Frames,
        );
        assert!(probs.is_empty(), "{probs:?}");
        assert_eq!(f.format, Format::Native);
        assert_eq!(f.entries.len(), 2);
        assert_eq!(
            (
                f.entries[0].term.as_str(),
                f.entries[0].wildcard,
                f.entries[0].weight
            ),
            ("cooperat", true, 1.0)
        );
        assert_eq!(f.entries[1].line, 5);
    }

    #[test]
    fn every_problem_names_its_line_and_the_fix() {
        let (f, probs) = read(
            "stance.tsv",
            "good\tengagement\t1\nbad\tengagement\tl.5\n\tengagement\t1\nco*op\tengagement\t1\nspaces engagement 1\nzero\tengagement\t0\nnoweight\tengagement\n",
            Kind::Stance,
        );
        assert_eq!(f.entries.len(), 1);
        assert_eq!(probs.len(), 6, "{probs:?}");
        assert!(probs[0].starts_with("2: weight 'l.5' is not a number"));
        assert!(probs[1].starts_with("3: empty term"));
        assert!(probs[2].starts_with("4: wildcard * in the middle"));
        assert!(probs[3].starts_with("5: no tab found"));
        assert!(probs[4].starts_with("6: weight 0"));
        assert!(probs[5].starts_with("7: missing weight"));
    }

    #[test]
    fn sentiment_range_is_checked() {
        let (_, probs) = read("sentiment.tsv", "great\tgeneral\t5\n", Kind::Sentiment);
        assert!(probs[0].contains("outside -4..4"));
    }

    #[test]
    fn vader_format_is_detected() {
        let (f, probs) = read(
            "vader_lexicon.txt",
            "good\t1.9\t0.9434\t[2, 1, 2]\ncan't stand\t-2.0\t0.63\t[-2, -2]\n",
            Kind::Sentiment,
        );
        assert!(probs.is_empty());
        assert_eq!(f.format, Format::Vader);
        assert_eq!(f.entries[1].term, "can't stand");
        assert_eq!(f.entries[1].weight, -2.0);
    }

    #[test]
    fn liwc_dic_with_multiple_categories() {
        let (f, probs) = read(
            "frames.dic",
            "%\n1\teconomic\n2\tsecurity\n%\ntrade*\t1\narms\t2\t1\nbad\t9\n",
            Kind::Frames,
        );
        assert_eq!(probs.len(), 1);
        assert!(probs[0].starts_with("7: category id 9"));
        let cats: Vec<(&str, &str)> = f
            .entries
            .iter()
            .map(|e| (e.term.as_str(), e.category.as_str()))
            .collect();
        assert_eq!(
            cats,
            [
                ("trade", "economic"),
                ("arms", "security"),
                ("arms", "economic")
            ]
        );
    }

    #[test]
    fn csv_native_and_latin1_rejected_with_line() {
        let (f, probs) = read(
            "targets.csv",
            "term,category,weight\n\"Japan, Tokyo\",japan,1\n",
            Kind::Targets,
        );
        assert!(probs.is_empty());
        assert_eq!(f.entries[0].term, "Japan, Tokyo");
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("stance.tsv");
        std::fs::write(&p, b"ok\ta\t1\ncaf\xe9\ta\t1\n").unwrap();
        let mut probs = vec![];
        read_file(&p, Kind::Stance, None, &mut probs);
        assert_eq!(probs[0].line, 2);
    }
}
