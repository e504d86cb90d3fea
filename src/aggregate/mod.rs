//! Aggregate: per-article results → per outlet, period, speaker and outlet × speaker.
//!
//! Sits between the parallel `analyze` stage and the reports. Every accumulator here
//! has `empty` ([`Default`] or `new`), [`Aggregates::add`] (one article), `merge` and a
//! separate finalization (the report writers), and keeps its state in integers: counts,
//! and scores converted once per article to fixed point ([`fx`], micro-units in `i64`;
//! sums of squares in `i128`). Integer addition is associative and commutative, so two
//! halves of a corpus merged give the same bits as the whole, in any order and with any
//! thread count. Means, shares and intervals are computed only when reports are written.

mod features;

use std::collections::{BTreeMap, BTreeSet};

use crate::analyze::ArticleResult;
use crate::lexicon::{Kind, Lexicons};
use crate::quotes::Role;
use crate::score::{AxisTally, PRIMARY_FRAME_MIN_HITS, Tally};

pub use features::{
    ARTICLE_FEATURES_EXTRA, Point, article_point, feature_names, outlet_point, speaker_point,
};

/// Fixed-point scale: scores are summed in millionths.
pub const SCALE: f64 = 1e6;

/// A score in fixed point (micro-units), rounded half away from zero.
pub fn fx(v: f64) -> i64 {
    (v * SCALE).round() as i64
}

/// A fixed-point value back as a float.
pub fn unfx(v: i64) -> f64 {
    v as f64 / SCALE
}

/// How dates are grouped into periods for `periods.csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Period {
    /// ISO 8601 week, `2025-W03`.
    #[default]
    Week,
    /// `2025-01`.
    Month,
    /// `2025-01-14`.
    Day,
}

/// The period label of articles without a usable date.
pub const UNDATED: &str = "undated";

impl Period {
    pub fn parse(s: &str) -> Option<Period> {
        match s {
            "week" => Some(Period::Week),
            "month" => Some(Period::Month),
            "day" => Some(Period::Day),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Period::Week => "week",
            Period::Month => "month",
            Period::Day => "day",
        }
    }

    /// The period of an ISO date (`YYYY-MM-DD`, optionally followed by a time).
    pub fn label(self, date: Option<&str>) -> String {
        let Some(d) = date
            .and_then(|d| d.get(..10))
            .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        else {
            return UNDATED.to_string();
        };
        match self {
            Period::Week => {
                let w = chrono::Datelike::iso_week(&d);
                format!("{}-W{:02}", w.year(), w.week())
            }
            Period::Month => d.format("%Y-%m").to_string(),
            Period::Day => d.format("%Y-%m-%d").to_string(),
        }
    }
}

/// Weighted stance on one axis, in fixed point.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AxisAcc {
    pub hits: u64,
    pub pos: i64,
    pub neg: i64,
}

impl AxisAcc {
    fn add(&mut self, a: &AxisTally) {
        self.hits += u64::from(a.hits);
        self.pos += fx(a.pos);
        self.neg += fx(a.neg);
    }

    fn merge(&mut self, o: &AxisAcc) {
        self.hits += o.hits;
        self.pos += o.pos;
        self.neg += o.neg;
    }

    /// (pos − neg) / (pos + neg), −1..1; `None` without weight.
    pub fn index(&self) -> Option<f64> {
        let total = self.pos + self.neg;
        (total > 0).then(|| (self.pos - self.neg) as f64 / total as f64)
    }

    /// Net weighted stance per 1,000 tokens.
    pub fn per_1k(&self, tokens: u64) -> Option<f64> {
        (tokens > 0).then(|| unfx(self.pos - self.neg) * 1000.0 / tokens as f64)
    }
}

fn merge_vec<T, U>(a: &mut [T], b: &[U], f: impl Fn(&mut T, &U)) {
    for (x, y) in a.iter_mut().zip(b) {
        f(x, y);
    }
}

/// Scores of a set of texts (statements, or articles' sentences) in fixed point.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ScoreAcc {
    /// Sentences (or statements) with words.
    pub sentences: u64,
    pub sentiment_sum: i64,
    pub axes: Vec<AxisAcc>,
    /// Per frame: hits and weighted hits (fixed point).
    pub frames: Vec<(u64, i64)>,
}

impl ScoreAcc {
    pub fn new(lex: &Lexicons) -> ScoreAcc {
        ScoreAcc {
            axes: vec![AxisAcc::default(); lex.categories(Kind::Stance).len()],
            frames: vec![(0, 0); lex.categories(Kind::Frames).len()],
            ..ScoreAcc::default()
        }
    }

    pub fn add(&mut self, t: &Tally) {
        self.sentences += u64::from(t.sentences);
        self.sentiment_sum += fx(t.sentiment_sum);
        merge_vec(&mut self.axes, &t.axes, AxisAcc::add);
        merge_vec(&mut self.frames, &t.frames, |x, y| {
            x.0 += u64::from(y.0);
            x.1 += fx(y.1);
        });
    }

    pub fn merge(&mut self, o: &ScoreAcc) {
        self.sentences += o.sentences;
        self.sentiment_sum += o.sentiment_sum;
        merge_vec(&mut self.axes, &o.axes, AxisAcc::merge);
        merge_vec(&mut self.frames, &o.frames, |x, y| {
            x.0 += y.0;
            x.1 += y.1;
        });
    }

    pub fn mean_sentiment(&self) -> Option<f64> {
        (self.sentences > 0).then(|| unfx(self.sentiment_sum) / self.sentences as f64)
    }

    pub fn frame_hits(&self) -> u64 {
        self.frames.iter().map(|f| f.0).sum()
    }

    /// Share of frame hits per frame; `None` without frame hits.
    pub fn frame_share(&self, i: usize) -> Option<f64> {
        let total = self.frame_hits();
        (total > 0).then(|| self.frames[i].0 as f64 / total as f64)
    }

    /// The frame with most weighted hits, with at least [`PRIMARY_FRAME_MIN_HITS`]
    /// hits; ties go to the first in name order.
    pub fn primary_frame(&self) -> Option<usize> {
        let mut best: Option<usize> = None;
        for (i, f) in self.frames.iter().enumerate() {
            if f.0 >= u64::from(PRIMARY_FRAME_MIN_HITS)
                && best.is_none_or(|b| f.1 > self.frames[b].1)
            {
                best = Some(i);
            }
        }
        best
    }
}

/// Sentences mentioning one target.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TargetAcc {
    pub sentences: u64,
    pub sentiment_sum: i64,
    pub axes: Vec<AxisAcc>,
}

/// The metrics of a group of articles (an outlet, or an outlet in one period).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Metrics {
    pub articles: u64,
    pub tokens: u64,
    /// Articles with at least one sentence, and the sum and sum of squares of their
    /// mean sentiment (fixed point; squares in micro² units).
    pub scored_articles: u64,
    pub sentiment_sum: i64,
    pub sentiment_sq: i128,
    pub positive_sentences: u64,
    pub negative_sentences: u64,
    pub scores: ScoreAcc,
    pub targets: Vec<TargetAcc>,
    /// Statements in these articles.
    pub quotes: u64,
}

impl Metrics {
    pub fn new(lex: &Lexicons) -> Metrics {
        let n_axes = lex.categories(Kind::Stance).len();
        Metrics {
            scores: ScoreAcc::new(lex),
            targets: vec![
                TargetAcc {
                    axes: vec![AxisAcc::default(); n_axes],
                    ..TargetAcc::default()
                };
                lex.categories(Kind::Targets).len()
            ],
            ..Metrics::default()
        }
    }

    pub fn add(&mut self, a: &ArticleResult) {
        let t = &a.scores.tally;
        self.articles += 1;
        self.tokens += a.tokens;
        if let Some(m) = t.mean_sentiment() {
            let v = fx(m);
            self.scored_articles += 1;
            self.sentiment_sum += v;
            self.sentiment_sq += i128::from(v) * i128::from(v);
        }
        self.positive_sentences += u64::from(t.positive_sentences);
        self.negative_sentences += u64::from(t.negative_sentences);
        self.scores.add(t);
        for (acc, tt) in self.targets.iter_mut().zip(&a.scores.targets) {
            acc.sentences += u64::from(tt.sentences);
            acc.sentiment_sum += fx(tt.sentiment_sum);
            merge_vec(&mut acc.axes, &tt.axes, AxisAcc::add);
        }
        self.quotes += a.statements.len() as u64;
    }

    pub fn merge(&mut self, o: &Metrics) {
        self.articles += o.articles;
        self.tokens += o.tokens;
        self.scored_articles += o.scored_articles;
        self.sentiment_sum += o.sentiment_sum;
        self.sentiment_sq += o.sentiment_sq;
        self.positive_sentences += o.positive_sentences;
        self.negative_sentences += o.negative_sentences;
        self.scores.merge(&o.scores);
        merge_vec(&mut self.targets, &o.targets, |x, y| {
            x.sentences += y.sentences;
            x.sentiment_sum += y.sentiment_sum;
            merge_vec(&mut x.axes, &y.axes, AxisAcc::merge);
        });
        self.quotes += o.quotes;
    }

    /// Mean of the articles' mean sentiment.
    pub fn mean_sentiment(&self) -> Option<f64> {
        (self.scored_articles > 0).then(|| unfx(self.sentiment_sum) / self.scored_articles as f64)
    }

    /// 95% interval of [`Metrics::mean_sentiment`] (normal approximation, sample
    /// standard deviation); `None` with fewer than two articles.
    pub fn sentiment_interval(&self) -> Option<(f64, f64)> {
        let n = self.scored_articles;
        if n < 2 {
            return None;
        }
        let nf = n as f64;
        let sum = self.sentiment_sum as f64;
        // Σx² − (Σx)²/n in micro² units, exact in integers before the division.
        let ss =
            (self.sentiment_sq * i128::from(n) - i128::from(self.sentiment_sum).pow(2)) as f64 / nf;
        let var = (ss / (nf - 1.0)).max(0.0) / (SCALE * SCALE);
        let mean = sum / nf / SCALE;
        let half = 1.96 * (var / nf).sqrt();
        Some((mean - half, mean + half))
    }
}

/// One speaker across the corpus.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SpeakerAcc {
    /// Display forms and how often each was used.
    pub names: BTreeMap<String, u64>,
    pub affiliations: BTreeMap<String, u64>,
    /// Roles given to the statements, and those given from explicit cues.
    pub roles: BTreeMap<Role, u64>,
    pub known_roles: BTreeMap<Role, u64>,
    pub articles: u64,
    pub outlets: BTreeSet<String>,
    pub quotes: u64,
    pub scores: ScoreAcc,
}

fn bump(m: &mut BTreeMap<String, u64>, k: &str, n: u64) {
    match m.get_mut(k) {
        Some(c) => *c += n,
        None => {
            m.insert(k.to_string(), n);
        }
    }
}

fn merge_counts<K: Ord + Clone>(a: &mut BTreeMap<K, u64>, b: &BTreeMap<K, u64>) {
    for (k, v) in b {
        *a.entry(k.clone()).or_default() += v;
    }
}

fn most(m: &BTreeMap<String, u64>) -> String {
    m.iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        .map(|(k, _)| k.clone())
        .unwrap_or_default()
}

impl SpeakerAcc {
    pub fn merge(&mut self, o: &SpeakerAcc) {
        merge_counts(&mut self.names, &o.names);
        merge_counts(&mut self.affiliations, &o.affiliations);
        merge_counts(&mut self.roles, &o.roles);
        merge_counts(&mut self.known_roles, &o.known_roles);
        self.articles += o.articles;
        self.outlets.extend(o.outlets.iter().cloned());
        self.quotes += o.quotes;
        self.scores.merge(&o.scores);
    }

    /// The one corpus-wide role: the role most statements got from explicit cues, else
    /// the most common; ties go to the first in [`Role`] order (expert first).
    pub fn role(&self) -> Role {
        let pick = |m: &BTreeMap<Role, u64>| {
            m.iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                .map(|(r, _)| *r)
        };
        pick(&self.known_roles)
            .or_else(|| pick(&self.roles))
            .unwrap_or(Role::Other)
    }

    /// The form of the name used most often.
    pub fn name(&self) -> String {
        most(&self.names)
    }

    pub fn affiliation(&self) -> String {
        most(&self.affiliations)
    }
}

/// Who quotes whom: one outlet and one speaker.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PairAcc {
    pub quotes: u64,
    pub articles: u64,
}

/// Everything the reports need beyond the per-row files, for a whole run.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Aggregates {
    pub period: Period,
    pub outlets: BTreeMap<String, Metrics>,
    /// (outlet, period label).
    pub periods: BTreeMap<(String, String), Metrics>,
    /// Outlet → speaker key → counts.
    pub outlet_speakers: BTreeMap<String, BTreeMap<String, PairAcc>>,
    pub speakers: BTreeMap<String, SpeakerAcc>,
    /// Article feature vectors for clustering, kept sorted by id on merge.
    pub articles: Vec<Point>,
    empty_metrics: Metrics,
    empty_scores: ScoreAcc,
}

impl PartialEq for Aggregates {
    fn eq(&self, o: &Aggregates) -> bool {
        self.period == o.period
            && self.outlets == o.outlets
            && self.periods == o.periods
            && self.outlet_speakers == o.outlet_speakers
            && self.speakers == o.speakers
            && self.articles == o.articles
    }
}

impl Aggregates {
    pub fn new(lex: &Lexicons, period: Period) -> Aggregates {
        Aggregates {
            period,
            outlets: BTreeMap::new(),
            periods: BTreeMap::new(),
            outlet_speakers: BTreeMap::new(),
            speakers: BTreeMap::new(),
            articles: Vec::new(),
            empty_metrics: Metrics::new(lex),
            empty_scores: ScoreAcc::new(lex),
        }
    }

    /// Adds one analysed article.
    pub fn add(&mut self, a: &ArticleResult) {
        if !self.outlets.contains_key(&a.outlet) {
            self.outlets
                .insert(a.outlet.clone(), self.empty_metrics.clone());
        }
        self.outlets.get_mut(&a.outlet).expect("inserted").add(a);
        let key = (a.outlet.clone(), self.period.label(a.date.as_deref()));
        self.periods
            .entry(key)
            .or_insert_with(|| self.empty_metrics.clone())
            .add(a);
        // Statements grouped by speaker, so each speaker counts the article once.
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        for s in &a.statements {
            let first_here = seen.insert(s.key.as_str());
            let acc = match self.speakers.get_mut(&s.key) {
                Some(acc) => acc,
                None => self
                    .speakers
                    .entry(s.key.clone())
                    .or_insert_with(|| SpeakerAcc {
                        scores: self.empty_scores.clone(),
                        ..SpeakerAcc::default()
                    }),
            };
            bump(&mut acc.names, &s.speaker, 1);
            if !s.affiliation.is_empty() {
                bump(&mut acc.affiliations, &s.affiliation, 1);
            }
            *acc.roles.entry(s.role).or_default() += 1;
            if s.role_known {
                *acc.known_roles.entry(s.role).or_default() += 1;
            }
            if first_here {
                acc.articles += 1;
                if !acc.outlets.contains(&a.outlet) {
                    acc.outlets.insert(a.outlet.clone());
                }
            }
            acc.quotes += 1;
            acc.scores.add(&s.tally);
            let pairs = match self.outlet_speakers.get_mut(&a.outlet) {
                Some(p) => p,
                None => self.outlet_speakers.entry(a.outlet.clone()).or_default(),
            };
            let pair = match pairs.get_mut(&s.key) {
                Some(p) => p,
                None => pairs.entry(s.key.clone()).or_default(),
            };
            pair.quotes += 1;
            pair.articles += u64::from(first_here);
        }
        self.articles.push(article_point(a));
    }

    /// Folds `o` into `self`: the result equals aggregating both corpora at once.
    pub fn merge(&mut self, o: Aggregates) {
        for (k, m) in o.outlets {
            match self.outlets.get_mut(&k) {
                Some(x) => x.merge(&m),
                None => {
                    self.outlets.insert(k, m);
                }
            }
        }
        for (k, m) in o.periods {
            match self.periods.get_mut(&k) {
                Some(x) => x.merge(&m),
                None => {
                    self.periods.insert(k, m);
                }
            }
        }
        for (outlet, pairs) in o.outlet_speakers {
            let mine = self.outlet_speakers.entry(outlet).or_default();
            for (k, p) in pairs {
                let x = mine.entry(k).or_default();
                x.quotes += p.quotes;
                x.articles += p.articles;
            }
        }
        for (k, s) in o.speakers {
            match self.speakers.get_mut(&k) {
                Some(x) => x.merge(&s),
                None => {
                    self.speakers.insert(k, s);
                }
            }
        }
        // Sorted once, in `finalize_order`: sorting here would make merging many
        // small shards quadratic.
        self.articles.extend(o.articles);
    }

    /// Sorts what depends on input order (article points, by id), so that a run and a
    /// merge of shards finalize identically.
    pub fn finalize_order(&mut self) {
        self.articles.sort_by(|a, b| a.id.cmp(&b.id));
    }

    /// Quotes per corpus role for one outlet, and its distinct experts and officials.
    pub fn outlet_quotes(&self, outlet: &str) -> ([u64; Role::ALL.len()], u64, u64) {
        let mut by_role = [0u64; Role::ALL.len()];
        let (mut experts, mut officials) = (0, 0);
        for (key, p) in self.outlet_speakers.get(outlet).into_iter().flatten() {
            let role = self.speakers.get(key).map_or(Role::Other, SpeakerAcc::role);
            by_role[role as usize] += p.quotes;
            experts += u64::from(role == Role::Expert);
            officials += u64::from(role == Role::Official);
        }
        (by_role, experts, officials)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_follow_iso_weeks_months_and_days() {
        // 2025-01-01 is a Wednesday in ISO week 1 of 2025; 2024-12-30 too.
        assert_eq!(Period::Week.label(Some("2025-01-01")), "2025-W01");
        assert_eq!(Period::Week.label(Some("2024-12-30")), "2025-W01");
        assert_eq!(Period::Week.label(Some("2021-01-03")), "2020-W53");
        assert_eq!(Period::Month.label(Some("2025-01-14T08:00:00Z")), "2025-01");
        assert_eq!(Period::Day.label(Some("2025-01-14")), "2025-01-14");
        assert_eq!(Period::Week.label(None), UNDATED);
        assert_eq!(Period::Week.label(Some("sometime")), UNDATED);
    }

    #[test]
    fn fixed_point_interval_matches_float_formula() {
        let mut m = Metrics::default();
        let xs = [0.1, -0.25, 0.4, 0.05];
        for x in xs {
            let v = fx(x);
            m.scored_articles += 1;
            m.sentiment_sum += v;
            m.sentiment_sq += i128::from(v) * i128::from(v);
        }
        let n = xs.len() as f64;
        let mean = xs.iter().sum::<f64>() / n;
        let sd = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
        let (lo, hi) = m.sentiment_interval().unwrap();
        assert!((m.mean_sentiment().unwrap() - mean).abs() < 1e-9);
        assert!((lo - (mean - 1.96 * sd / n.sqrt())).abs() < 1e-9);
        assert!((hi - (mean + 1.96 * sd / n.sqrt())).abs() < 1e-9);
        let one = Metrics {
            scored_articles: 1,
            ..Metrics::default()
        };
        assert_eq!(one.sentiment_interval(), None);
    }

    #[test]
    fn axis_index_and_rate() {
        let a = AxisAcc {
            hits: 3,
            pos: fx(2.0),
            neg: fx(1.0),
        };
        assert!((a.index().unwrap() - 1.0 / 3.0).abs() < 1e-12);
        assert!((a.per_1k(500).unwrap() - 2.0).abs() < 1e-12);
        assert_eq!(AxisAcc::default().index(), None);
    }
}
