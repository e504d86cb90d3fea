//! Per-outlet reports: `outlets.csv` (one row per outlet), `frames.csv` (outlet ×
//! frame, long), `metrics_long.csv` (every outlet metric as `outlet,metric,value`) and
//! `outlet_speakers.csv` (who quotes whom).
//!
//! Written at the end of a run from the aggregates (the finalize step: means, shares
//! and intervals are computed here, from integer sums).

use std::collections::BTreeMap;
use std::path::Path;

use super::{Column, Row, Table, col, dyn_col, slug};
use crate::aggregate::{Aggregates, Metrics};
use crate::error::Error;
use crate::lexicon::{Kind, Lexicons};
use crate::quotes::Role;
use crate::score::PRIMARY_FRAME_MIN_HITS;

pub const FILE: &str = "outlets.csv";
pub const FRAMES_FILE: &str = "frames.csv";
pub const LONG_FILE: &str = "metrics_long.csv";
pub const PAIRS_FILE: &str = "outlet_speakers.csv";

pub fn columns(lex: &Lexicons) -> Vec<Column> {
    let mut c = vec![
        col(
            "outlet",
            "Outlet name (from the manifest or metadata, else inferred)",
        ),
        col("articles", "Articles analysed"),
        col("tokens", "Word tokens in them"),
        col(
            "sentiment",
            "Mean of the articles' mean sentence sentiment (VADER compound, -1..1)",
        ),
        col(
            "sentiment_ci_low",
            "Lower end of the 95% interval of `sentiment` (mean - 1.96 sd / sqrt n); empty with fewer than 2 articles",
        ),
        col("sentiment_ci_high", "Upper end of that interval"),
        col(
            "sentiment_pos_share",
            "Share of all sentences with compound >= 0.05",
        ),
        col(
            "sentiment_neg_share",
            "Share of all sentences with compound <= -0.05",
        ),
    ];
    for axis in lex.categories(Kind::Stance) {
        let a = slug(axis);
        c.push(dyn_col(
            format!("stance_{a}"),
            format!("Stance index on `{axis}` over all articles: (pos - neg) / (pos + neg) of summed weighted hits, -1..1; empty without hits"),
        ));
        c.push(dyn_col(
            format!("stance_{a}_hits"),
            format!("Stance lexicon matches on `{axis}`"),
        ));
        c.push(dyn_col(
            format!("stance_{a}_per_1k"),
            format!("Net weighted `{axis}` stance (pos - neg) per 1,000 tokens"),
        ));
    }
    c.push(col("frame_hits", "Frame lexicon matches, all frames"));
    for frame in lex.categories(Kind::Frames) {
        c.push(dyn_col(
            format!("frame_{}_share", slug(frame)),
            format!(
                "Share of the outlet's frame hits that are `{frame}`; empty without frame hits"
            ),
        ));
    }
    c.push(dyn_col(
        "primary_frame".into(),
        format!("Frame with the most weighted hits over the outlet's articles (at least {PRIMARY_FRAME_MIN_HITS} hits)"),
    ));
    for target in lex.categories(Kind::Targets) {
        let t = slug(target);
        c.push(dyn_col(
            format!("mentions_{t}"),
            format!("Sentences that mention `{target}`"),
        ));
        c.push(dyn_col(
            format!("sent_{t}"),
            format!("Mean compound sentiment of the sentences that mention `{target}`"),
        ));
        for axis in lex.categories(Kind::Stance) {
            c.push(dyn_col(
                format!("stance_{}_{t}", slug(axis)),
                format!("Stance index on `{axis}` within the sentences that mention `{target}`"),
            ));
        }
    }
    c.push(col("quotes", "Attributed statements"));
    for r in Role::ALL {
        c.push(dyn_col(
            format!("quotes_{}", r.as_str()),
            format!("Statements by speakers whose corpus role is {}", r.as_str()),
        ));
    }
    c.push(col("experts", "Distinct experts quoted"));
    c.push(col("officials", "Distinct officials quoted"));
    c.push(col(
        "expert_share",
        "Share of the statements that are by experts; empty without statements",
    ));
    c.push(col(
        "cluster",
        "The outlet's cluster in clusters.csv; empty when outlets were not clustered",
    ));
    c
}

fn ratio(n: f64, d: f64) -> Option<f64> {
    (d > 0.0).then(|| n / d)
}

fn outlet_row(
    name: &str,
    m: &Metrics,
    agg: &Aggregates,
    lex: &Lexicons,
    cluster: Option<usize>,
) -> Row {
    let mut r = Row::new();
    let sents = m.scores.sentences as f64;
    let ci = m.sentiment_interval();
    r.text(name)
        .int(m.articles)
        .int(m.tokens)
        .opt_float(m.mean_sentiment(), 4)
        .opt_float(ci.map(|c| c.0), 4)
        .opt_float(ci.map(|c| c.1), 4)
        .opt_float(ratio(m.positive_sentences as f64, sents), 3)
        .opt_float(ratio(m.negative_sentences as f64, sents), 3);
    for a in &m.scores.axes {
        r.opt_float(a.index(), 4)
            .int(a.hits)
            .opt_float(a.per_1k(m.tokens), 4);
    }
    r.int(m.scores.frame_hits());
    for i in 0..m.scores.frames.len() {
        r.opt_float(m.scores.frame_share(i), 3);
    }
    let frames = lex.categories(Kind::Frames);
    r.opt_text(m.scores.primary_frame().map(|i| frames[i].as_str()));
    for t in &m.targets {
        r.int(t.sentences).opt_float(
            ratio(crate::aggregate::unfx(t.sentiment_sum), t.sentences as f64),
            4,
        );
        for a in &t.axes {
            r.opt_float(a.index(), 4);
        }
    }
    let (by_role, experts, officials) = agg.outlet_quotes(name);
    let quotes: u64 = by_role.iter().sum();
    r.int(quotes);
    for n in by_role {
        r.int(n);
    }
    r.int(experts).int(officials).opt_float(
        ratio(by_role[Role::Expert as usize] as f64, quotes as f64),
        3,
    );
    r.opt_int(cluster.map(|c| c as u64));
    r
}

/// Writes `outlets.csv`, `metrics_long.csv` and `frames.csv`.
pub fn write(
    dir: &Path,
    lex: &Lexicons,
    agg: &Aggregates,
    clusters: &BTreeMap<String, usize>,
) -> Result<(), Error> {
    let cols = columns(lex);
    let mut wide = Table::create(dir, FILE, &cols)?;
    let mut long = Table::create(dir, LONG_FILE, LONG_COLUMNS)?;
    for (name, m) in &agg.outlets {
        let row = outlet_row(name, m, agg, lex, clusters.get(name).copied());
        wide.row(&row)?;
        for (c, v) in cols.iter().zip(row.cells()).skip(1) {
            let mut l = Row::new();
            l.text(name).text(&c.name).raw(v);
            long.row(&l)?;
        }
    }
    wide.finish()?;
    long.finish()?;

    let mut t = Table::create(dir, FRAMES_FILE, FRAMES_COLUMNS)?;
    let frames = lex.categories(Kind::Frames);
    for (name, m) in &agg.outlets {
        for (i, f) in frames.iter().enumerate() {
            let hits = m.scores.frames[i].0;
            let mut r = Row::new();
            r.text(name)
                .text(f)
                .int(hits)
                .opt_float(m.scores.frame_share(i), 4)
                .opt_float(ratio(hits as f64 * 1000.0, m.tokens as f64), 4);
            t.row(&r)?;
        }
    }
    t.finish()?;

    let mut t = Table::create(dir, PAIRS_FILE, PAIRS_COLUMNS)?;
    for (outlet, key, p) in agg
        .outlet_speakers
        .iter()
        .flat_map(|(o, m)| m.iter().map(move |(k, p)| (o, k, p)))
    {
        let Some(s) = agg.speakers.get(key) else {
            continue;
        };
        let mut r = Row::new();
        r.text(outlet)
            .text(&s.name())
            .text(s.role().as_str())
            .int(p.quotes)
            .int(p.articles);
        t.row(&r)?;
    }
    t.finish()?;
    Ok(())
}

pub const LONG_COLUMNS: &[Column] = &[
    col("outlet", "Outlet name"),
    col(
        "metric",
        "A column name of outlets.csv (see there for its meaning)",
    ),
    col(
        "value",
        "Its value for the outlet (empty where outlets.csv is empty)",
    ),
];

pub const FRAMES_COLUMNS: &[Column] = &[
    col("outlet", "Outlet name"),
    col("frame", "Frame (a category of the frames lexicon)"),
    col("hits", "Matches of the frame in the outlet's articles"),
    col(
        "share",
        "Share of the outlet's frame hits that are this frame; empty without frame hits",
    ),
    col("per_1k_tokens", "Matches per 1,000 tokens"),
];

pub const PAIRS_COLUMNS: &[Column] = &[
    col("outlet", "Outlet name"),
    col("speaker", "Speaker display name (as in speakers.csv)"),
    col("role", "The speaker's corpus role"),
    col(
        "quotes",
        "Statements by the speaker in the outlet's articles",
    ),
    col("articles", "Articles of the outlet quoting the speaker"),
];
