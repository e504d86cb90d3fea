//! `articles.csv`: one row per analysed article.
//!
//! The first columns are fixed; the scoring columns after them follow the lexicons
//! (one group per stance axis, frame and target, in name order).

use super::{Column, Row, col, dyn_col, slug};
use crate::analyze::ArticleResult;
use crate::lexicon::{Kind, Lexicons};
use crate::quotes::Role;
use crate::score::{AxisTally, PRIMARY_FRAME_MIN_HITS};

pub const FILE: &str = "articles.csv";

const FIXED: &[Column] = &[
    col(
        "article_id",
        "File path relative to its data folder without extension, the record's `id`, or `stem#LINE` for a JSONL/CSV record without one",
    ),
    col("path", "Input file the article came from"),
    col(
        "outlet",
        "Outlet name; `unknown` when neither metadata nor the text names it",
    ),
    col(
        "outlet_source",
        "Where the outlet came from: `manifest`, `field` (JSONL/CSV column), `inferred` (the article's own wording, e.g. \"told the Global Times\") or `unknown`",
    ),
    col(
        "date",
        "Publication date, ISO YYYY-MM-DD; empty when unknown",
    ),
    col(
        "title",
        "Title: metadata, else the first line of a .txt/.md file",
    ),
    col(
        "lang",
        "Language: metadata, else a script and function-word guess (`en`, `zh`, `ja`, `ko`, `und`)",
    ),
    col(
        "chars",
        "Characters (Unicode scalar values) of the original text",
    ),
    col(
        "chars_removed",
        "Characters removed as web boilerplate (comment forms, counters, widgets, credits)",
    ),
    col(
        "tokens",
        "Word, number and CJK tokens of the cleaned body (punctuation not counted)",
    ),
    col("sentences", "Sentences of the cleaned body"),
    col("url", "Source URL from metadata; empty when unknown"),
    col(
        "line",
        "Line of the record in a JSONL/CSV file; empty for whole-file articles",
    ),
    col(
        "sentiment",
        "Mean VADER compound score of the article's sentences (-1..1), with the `sentiment` lexicon and the negator, booster and contrast rules",
    ),
    col(
        "sentiment_pos_share",
        "Share of sentences with compound >= 0.05",
    ),
    col(
        "sentiment_neg_share",
        "Share of sentences with compound <= -0.05",
    ),
    col("sentiment_hits", "Sentiment lexicon matches"),
];

/// Every column of `articles.csv` for these lexicons.
pub fn columns(lex: &Lexicons) -> Vec<Column> {
    let mut cols = FIXED.to_vec();
    for axis in lex.categories(Kind::Stance) {
        let a = slug(axis);
        cols.push(dyn_col(
            format!("stance_{a}"),
            format!("Stance index on the `{axis}` axis, (pos - neg) / (pos + neg) of negation-adjusted weighted hits, -1..1; empty without hits"),
        ));
        cols.push(dyn_col(
            format!("stance_{a}_hits"),
            format!("Stance lexicon matches on the `{axis}` axis"),
        ));
        cols.push(dyn_col(
            format!("stance_{a}_per_1k"),
            format!("Net weighted `{axis}` stance (pos - neg) per 1,000 tokens"),
        ));
    }
    cols.push(col("frame_hits", "Frame lexicon matches, all frames"));
    for frame in lex.categories(Kind::Frames) {
        let f = slug(frame);
        cols.push(dyn_col(
            format!("frame_{f}"),
            format!("Matches of the `{frame}` frame"),
        ));
        cols.push(dyn_col(
            format!("frame_{f}_share"),
            format!("Share of the article's weighted frame hits that are `{frame}`; empty without frame hits"),
        ));
    }
    cols.push(dyn_col(
        "primary_frame".into(),
        format!("Frame with the most weighted hits if it has at least {PRIMARY_FRAME_MIN_HITS}; empty otherwise"),
    ));
    for target in lex.categories(Kind::Targets) {
        let t = slug(target);
        cols.push(dyn_col(
            format!("mentions_{t}"),
            format!("Sentences that mention `{target}` (any alias in the targets lexicon)"),
        ));
        cols.push(dyn_col(format!("sent_{t}"), format!("Mean compound sentiment of the sentences that mention `{target}`; empty when none do")));
        for axis in lex.categories(Kind::Stance) {
            cols.push(dyn_col(
                format!("stance_{}_{t}", slug(axis)),
                format!("Stance index on `{axis}` within the sentences that mention `{target}`"),
            ));
        }
    }
    cols.push(col("quotes", "Attributed statements in the article"));
    cols.push(col("speakers", "Distinct speakers quoted"));
    cols.push(col(
        "expert_quotes",
        "Statements by speakers with role expert",
    ));
    cols.push(col(
        "official_quotes",
        "Statements by speakers with role official",
    ));
    // Added after the first release of the columns, so at the end.
    for axis in lex.categories(Kind::Stance) {
        let a = slug(axis);
        cols.push(dyn_col(
            format!("stance_{a}_pos"),
            format!("Summed weight of the positive `{axis}` stance hits (after negation)"),
        ));
        cols.push(dyn_col(
            format!("stance_{a}_neg"),
            format!("Summed weight of the negative `{axis}` stance hits, as a positive number"),
        ));
    }
    cols
}

fn ratio(n: f64, d: f64) -> Option<f64> {
    (d > 0.0).then(|| n / d)
}

pub fn row(r: &ArticleResult, line: Option<u64>, lex: &Lexicons) -> Row {
    let mut row = Row::new();
    row.text(&r.id)
        .text(&r.path)
        .text(&r.outlet)
        .text(r.outlet_source.as_str())
        .opt_text(r.date.as_deref())
        .text(&r.title)
        .text(&r.lang)
        .int(r.chars)
        .int(r.chars_removed)
        .int(r.tokens)
        .int(r.sentences)
        .opt_text(r.url.as_deref())
        .opt_int(line);
    let t = &r.scores.tally;
    let sents = f64::from(t.sentences);
    row.opt_float(t.mean_sentiment(), 4)
        .opt_float(ratio(f64::from(t.positive_sentences), sents), 3)
        .opt_float(ratio(f64::from(t.negative_sentences), sents), 3)
        .int(t.sentiment_hits);
    for a in &t.axes {
        axis_cells(&mut row, a, r.tokens);
    }
    row.int(t.frame_hits());
    let total: f64 = t.frames.iter().map(|f| f.1).sum();
    for f in &t.frames {
        row.int(f.0).opt_float(ratio(f.1, total), 3);
    }
    let frames = lex.categories(Kind::Frames);
    row.opt_text(t.primary_frame().map(|i| frames[i].as_str()));
    for tt in &r.scores.targets {
        row.int(tt.sentences)
            .opt_float(ratio(tt.sentiment_sum, f64::from(tt.sentences)), 4);
        for a in &tt.axes {
            row.opt_float(a.index(), 4);
        }
    }
    row.int(r.statements.len() as u64)
        .int(r.speakers() as u64)
        .int(r.quotes_by(Role::Expert) as u64)
        .int(r.quotes_by(Role::Official) as u64);
    for a in &t.axes {
        row.float(a.pos, 4).float(a.neg, 4);
    }
    row
}

fn axis_cells(row: &mut Row, a: &AxisTally, tokens: u64) {
    row.opt_float(a.index(), 4)
        .int(a.hits)
        .opt_float(ratio(a.net() * 1000.0, tokens as f64), 3);
}
