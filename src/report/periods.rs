//! `periods.csv`: outlet × period (ISO week, month or day) for the main metrics, so
//! that nightly runs read as time series. Articles without a date fall in `undated`.

use std::path::Path;

use super::{Column, Row, Table, col, dyn_col, slug};
use crate::aggregate::Aggregates;
use crate::error::Error;
use crate::lexicon::{Kind, Lexicons};

pub const FILE: &str = "periods.csv";

pub fn columns(lex: &Lexicons) -> Vec<Column> {
    let mut c = vec![
        col("outlet", "Outlet name"),
        col(
            "period",
            "ISO week 2025-W03 (default), month 2025-01 or day 2025-01-14, as set with --period; `undated` for articles without a date",
        ),
        col("articles", "Articles in the period"),
        col("tokens", "Word tokens in them"),
        col(
            "sentiment",
            "Mean of the articles' mean sentence sentiment, -1..1",
        ),
    ];
    for axis in lex.categories(Kind::Stance) {
        let a = slug(axis);
        c.push(dyn_col(
            format!("stance_{a}"),
            format!("Stance index on `{axis}`, -1..1; empty without hits"),
        ));
        c.push(dyn_col(
            format!("stance_{a}_per_1k"),
            format!("Net weighted `{axis}` stance per 1,000 tokens"),
        ));
    }
    c.push(col("frame_hits", "Frame lexicon matches"));
    c.push(col(
        "primary_frame",
        "Frame with the most weighted hits (at least 3)",
    ));
    c.push(col("quotes", "Attributed statements"));
    c
}

pub fn write(dir: &Path, lex: &Lexicons, agg: &Aggregates) -> Result<(), Error> {
    let mut t = Table::create(dir, FILE, &columns(lex))?;
    let frames = lex.categories(Kind::Frames);
    for ((outlet, period), m) in &agg.periods {
        let mut r = Row::new();
        r.text(outlet)
            .text(period)
            .int(m.articles)
            .int(m.tokens)
            .opt_float(m.mean_sentiment(), 4);
        for a in &m.scores.axes {
            r.opt_float(a.index(), 4).opt_float(a.per_1k(m.tokens), 4);
        }
        r.int(m.scores.frame_hits())
            .opt_text(m.scores.primary_frame().map(|i| frames[i].as_str()))
            .int(m.quotes);
        t.row(&r)?;
    }
    t.finish()?;
    Ok(())
}
