//! Analyze: the pure per-article stage (clean → tokenize → sentences → results).
//!
//! [`analyze`] is a pure function of one article (and, from the lexicon stage on, the
//! compiled lexicons): no I/O and no shared mutable state, so the pipeline runs it on
//! all cores with rayon, and its result depends only on its input. [`Doc`] is the
//! intermediate form (original text plus kept ranges, tokens and sentences) that the
//! `quotes` and `explain` commands also use.

use std::ops::Range;

use crate::corpus::clean::{Cleaned, clean};
use crate::corpus::{Article, OutletSource, outlet};
use crate::error::RejectReason;
use crate::lexicon::Lexicons;
use crate::quotes::{QuoteKind, Role, extract};
use crate::score::{ArticleScores, Tally, annotate, score_annotated, span_tally};
use crate::text::{Sentence, TokenKind, TokenStream, split_sentences, tokenize};

/// An article prepared for scoring: the original text and what the text stages found.
#[derive(Debug)]
pub struct Doc<'a> {
    pub article: &'a Article,
    pub cleaned: Cleaned,
    pub tokens: TokenStream,
    /// Token index range of each kept paragraph.
    pub paragraphs: Vec<Range<usize>>,
    pub sentences: Vec<Sentence>,
}

impl<'a> Doc<'a> {
    /// Cleans, tokenizes and sentence-splits an article. An article with no body text
    /// left is rejected.
    pub fn prepare(article: &'a Article) -> Result<Doc<'a>, RejectReason> {
        let text = article.text.as_str();
        let cleaned = clean(text, article.format);
        if cleaned.paragraphs.is_empty() {
            return Err(if cleaned.title.is_some() {
                RejectReason::NoBody
            } else {
                RejectReason::Empty
            });
        }
        let mut tokens = TokenStream::with_capacity(text.len());
        let mut paragraphs = Vec::with_capacity(cleaned.paragraphs.len());
        for r in &cleaned.paragraphs {
            tokens.paragraph_break();
            let a = tokens.tokens.len();
            tokenize(text, r.clone(), &mut tokens);
            paragraphs.push(a..tokens.tokens.len());
        }
        let sentences = split_sentences(text, &tokens, &paragraphs);
        Ok(Doc {
            article,
            cleaned,
            tokens,
            paragraphs,
            sentences,
        })
    }

    pub fn text(&self) -> &'a str {
        &self.article.text
    }
}

/// Everything the reports need from one article. Small and owned, so the article text
/// can be dropped as soon as it is analysed.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ArticleResult {
    pub id: String,
    pub path: String,
    pub outlet: String,
    pub outlet_source: OutletSource,
    pub date: Option<String>,
    pub title: String,
    pub lang: String,
    pub url: Option<String>,
    /// Characters (Unicode scalar values) of the original text.
    pub chars: u64,
    pub chars_removed: u64,
    pub bytes: u64,
    pub tokens: u64,
    pub sentences: u64,
    pub scores: ArticleScores,
    pub statements: Vec<StatementResult>,
}

/// One attributed statement with its scores, owned (the article text is dropped).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StatementResult {
    pub speaker: String,
    pub key: String,
    pub role: Role,
    pub role_known: bool,
    pub affiliation: String,
    pub named: bool,
    pub kind: QuoteKind,
    pub cue: String,
    pub text: String,
    pub start: usize,
    pub end: usize,
    pub tally: Tally,
}

impl ArticleResult {
    /// Distinct speakers quoted.
    pub fn speakers(&self) -> usize {
        let mut keys: Vec<&str> = self.statements.iter().map(|s| s.key.as_str()).collect();
        keys.sort_unstable();
        keys.dedup();
        keys.len()
    }

    pub fn quotes_by(&self, role: Role) -> usize {
        self.statements.iter().filter(|s| s.role == role).count()
    }
}

/// The pure per-article analysis.
pub fn analyze(article: &Article, lex: &Lexicons) -> Result<ArticleResult, RejectReason> {
    let doc = Doc::prepare(article)?;
    let matches = lex.match_tokens(&doc.tokens);
    let info = annotate(&doc.tokens, &matches, lex);
    let scores = score_annotated(
        &article.text,
        &doc.tokens,
        &doc.sentences,
        &matches,
        lex,
        &info,
    );
    let statements = {
        let found = extract(
            &article.text,
            &doc.tokens,
            &doc.paragraphs,
            &doc.cleaned.paragraphs,
            &doc.sentences,
            &matches,
            lex,
        );
        found
            .into_iter()
            .map(|s| StatementResult {
                tally: span_tally(
                    &article.text,
                    &doc.tokens,
                    &info,
                    &matches,
                    lex,
                    s.toks.clone(),
                ),
                text: article.text[s.start..s.end].to_string(),
                speaker: s.speaker,
                key: s.key,
                role: s.role,
                role_known: s.role_known,
                affiliation: s.affiliation,
                named: s.named,
                kind: s.kind,
                cue: s.cue,
                start: s.start,
                end: s.end,
            })
            .collect()
    };
    let text = doc.text();
    let (outlet, outlet_source) = match &article.meta.outlet {
        Some(o) => (o.clone(), article.outlet_source),
        None => match outlet::infer(text, &doc.cleaned.paragraphs) {
            Some(o) => (o, OutletSource::Inferred),
            None => ("unknown".to_string(), OutletSource::Unknown),
        },
    };
    let title = match (&article.meta.title, &doc.cleaned.title) {
        (Some(t), _) => t.clone(),
        (None, Some(r)) => text[r.clone()].to_string(),
        (None, None) => String::new(),
    };
    let lang = article
        .meta
        .lang
        .clone()
        .unwrap_or_else(|| detect_lang(&doc.tokens).to_string());
    Ok(ArticleResult {
        id: article.id.clone(),
        path: article.path.clone(),
        outlet,
        outlet_source,
        date: article.meta.date.clone(),
        title,
        lang,
        url: article.meta.url.clone(),
        chars: text.chars().count() as u64,
        chars_removed: doc.cleaned.chars_removed as u64,
        bytes: text.len() as u64,
        tokens: doc.tokens.word_count() as u64,
        sentences: doc.sentences.len() as u64,
        scores,
        statements,
    })
}

/// A coarse language guess from the script of the tokens and, for Latin script, the
/// share of common English function words. `und` when unsure.
pub fn detect_lang(ts: &TokenStream) -> &'static str {
    let (mut latin, mut en, mut han, mut kana, mut hangul) =
        (0usize, 0usize, 0usize, 0usize, 0usize);
    for t in &ts.tokens {
        match t.kind {
            TokenKind::Word => {
                latin += 1;
                if matches!(
                    ts.norm(t),
                    "the"
                        | "of"
                        | "and"
                        | "to"
                        | "in"
                        | "a"
                        | "is"
                        | "that"
                        | "for"
                        | "on"
                        | "with"
                        | "was"
                        | "said"
                ) {
                    en += 1;
                }
            }
            TokenKind::Cjk => match ts.norm(t).chars().next() {
                Some('\u{3040}'..='\u{30FF}') => kana += 1,
                Some('\u{AC00}'..='\u{D7AF}' | '\u{1100}'..='\u{11FF}') => hangul += 1,
                _ => han += 1,
            },
            _ => {}
        }
    }
    let cjk = han + kana + hangul;
    if cjk > latin {
        if hangul >= han + kana {
            "ko"
        } else if kana * 5 >= cjk {
            "ja"
        } else {
            "zh"
        }
    } else if latin > 0 && en * 100 >= latin * 8 {
        "en"
    } else {
        "und"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::{Format, Meta};

    fn article(text: &str) -> Article {
        Article {
            id: "a".into(),
            path: "a.txt".into(),
            line: None,
            format: Format::Text,
            text: text.into(),
            meta: Meta::default(),
            outlet_source: OutletSource::Unknown,
        }
    }

    fn no_lexicons() -> Lexicons {
        Lexicons::compile(vec![], &mut vec![])
    }

    #[test]
    fn counts_and_infers_outlet() {
        let a = article(
            "A title\n\nLi said ties improved, an expert told the Global Times. It was the 9th meeting.\n\nLeave a Reply\n",
        );
        let r = analyze(&a, &no_lexicons()).unwrap();
        assert_eq!(r.title, "A title");
        assert_eq!(r.outlet, "Global Times");
        assert_eq!(r.outlet_source, OutletSource::Inferred);
        assert_eq!(r.sentences, 2);
        assert_eq!(r.tokens, 15);
        assert_eq!(r.chars_removed, 13);
        assert_eq!(r.lang, "en");
    }

    #[test]
    fn title_only_is_rejected_as_no_body() {
        assert_eq!(
            analyze(&article("Just a title\n\n"), &no_lexicons()).unwrap_err(),
            RejectReason::NoBody
        );
    }

    #[test]
    fn languages_by_script() {
        let mut ts = TokenStream::default();
        let s = "中日关系发展";
        tokenize(s, 0..s.len(), &mut ts);
        assert_eq!(detect_lang(&ts), "zh");
    }
}
