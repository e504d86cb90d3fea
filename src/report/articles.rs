//! `articles.csv`: one row per analysed article.

use super::{Column, Row, col};
use crate::analyze::ArticleResult;

pub const FILE: &str = "articles.csv";

pub const COLUMNS: &[Column] = &[
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
];

pub fn row(r: &ArticleResult, line: Option<u64>) -> Row {
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
    row
}
