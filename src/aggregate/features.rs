//! Feature vectors for clustering, in original units: frame shares, stance indices,
//! sentiment and (for articles and outlets) the mix of quoted roles.
//!
//! Built here, next to the accumulators, so that articles, speakers and outlets are
//! described by the same definitions; the `cluster` stage standardizes them.

use super::{Metrics, ScoreAcc, SpeakerAcc};
use crate::analyze::ArticleResult;
use crate::lexicon::{Kind, Lexicons};
use crate::quotes::Role;
use crate::report::slug;
use crate::score::Tally;

/// One item to cluster: its id and its features in [`feature_names`] order.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Point {
    pub id: String,
    /// Stored as `f32`: one vector per article is kept until the end of the run.
    pub features: Vec<f32>,
}

/// Features after the score features for articles and outlets.
pub const ARTICLE_FEATURES_EXTRA: [&str; 3] = ["expert_share", "official_share", "quotes_per_1k"];

/// Feature names for a level (`article`, `speaker`, `outlet`).
pub fn feature_names(lex: &Lexicons, level: &str) -> Vec<String> {
    let mut v: Vec<String> = lex
        .categories(Kind::Frames)
        .iter()
        .map(|f| format!("frame_{}_share", slug(f)))
        .collect();
    v.extend(
        lex.categories(Kind::Stance)
            .iter()
            .map(|a| format!("stance_{}", slug(a))),
    );
    v.push("sentiment".into());
    if level != "speaker" {
        v.extend(ARTICLE_FEATURES_EXTRA.iter().map(|s| s.to_string()));
    }
    v
}

fn tally_features(t: &Tally, out: &mut Vec<f64>) {
    let hits: u32 = t.frames.iter().map(|f| f.0).sum();
    for f in &t.frames {
        out.push(if hits > 0 {
            f64::from(f.0) / f64::from(hits)
        } else {
            0.0
        });
    }
    for a in &t.axes {
        out.push(a.index().unwrap_or(0.0));
    }
    out.push(t.mean_sentiment().unwrap_or(0.0));
}

fn score_features(s: &ScoreAcc, out: &mut Vec<f64>) {
    for i in 0..s.frames.len() {
        out.push(s.frame_share(i).unwrap_or(0.0));
    }
    for a in &s.axes {
        out.push(a.index().unwrap_or(0.0));
    }
    out.push(s.mean_sentiment().unwrap_or(0.0));
}

fn quote_mix(quotes: u64, experts: u64, officials: u64, tokens: u64, out: &mut Vec<f64>) {
    let share = |n: u64| {
        if quotes > 0 {
            n as f64 / quotes as f64
        } else {
            0.0
        }
    };
    out.push(share(experts));
    out.push(share(officials));
    out.push(if tokens > 0 {
        quotes as f64 * 1000.0 / tokens as f64
    } else {
        0.0
    });
}

/// An article's features. The quote mix uses the roles found in the article (the
/// corpus-wide role of each person is only known at the end).
pub fn article_point(a: &ArticleResult) -> Point {
    let mut f = Vec::new();
    tally_features(&a.scores.tally, &mut f);
    quote_mix(
        a.statements.len() as u64,
        a.quotes_by(Role::Expert) as u64,
        a.quotes_by(Role::Official) as u64,
        a.tokens,
        &mut f,
    );
    Point {
        id: a.id.clone(),
        features: f.into_iter().map(|x| x as f32).collect(),
    }
}

/// A speaker's features (over all their statements).
pub fn speaker_point(key: &str, s: &SpeakerAcc) -> Point {
    let mut f = Vec::new();
    score_features(&s.scores, &mut f);
    Point {
        id: key.to_string(),
        features: f.into_iter().map(|x| x as f32).collect(),
    }
}

/// An outlet's features; `by_role` are its quotes per corpus role.
pub fn outlet_point(outlet: &str, m: &Metrics, by_role: &[u64]) -> Point {
    let mut f = Vec::new();
    score_features(&m.scores, &mut f);
    // The article-level mean (as in outlets.csv) rather than the sentence-level one.
    if let Some(last) = f.last_mut() {
        *last = m.mean_sentiment().unwrap_or(0.0);
    }
    quote_mix(
        by_role.iter().sum(),
        by_role[Role::Expert as usize],
        by_role[Role::Official as usize],
        m.tokens,
        &mut f,
    );
    Point {
        id: outlet.to_string(),
        features: f.into_iter().map(|x| x as f32).collect(),
    }
}
