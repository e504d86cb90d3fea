//! Cluster: KMeans (linfa) over standardized feature vectors, with PCA for plotting.
//!
//! Runs after aggregation, once per level (articles, speakers, outlets). Features are
//! z-scored (a constant feature becomes 0); k is chosen by silhouette over
//! `2..=min(8, n − 1)` unless given; clustering is seeded, and cluster numbers are
//! renumbered in order of first appearance among the ids (sorted), so the reports are
//! byte-identical from run to run. A level with fewer than 3 items is skipped with a
//! note. KMeans, the silhouettes and PCA are fitted on at most [`SILHOUETTE_SAMPLE`]
//! items (an even, deterministic sample of the id-sorted items: silhouettes cost
//! O(n²)); every item is then assigned to its nearest centroid and projected, so the
//! cost hardly grows with the corpus.

use linfa::DatasetBase;
use linfa::traits::{Fit, Predict};
use linfa_clustering::KMeans;
use linfa_reduction::Pca;
use ndarray::{Array2, Axis};
use rand_xoshiro::Xoshiro256Plus;
use rand_xoshiro::rand_core::SeedableRng;

use crate::aggregate::Point;

/// The most items silhouettes are computed on when choosing k.
pub const SILHOUETTE_SAMPLE: usize = 600;
/// Largest k tried.
pub const MAX_K: usize = 8;

/// Validated clustering parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClusterParams {
    k: Option<usize>,
    seed: u64,
    min_statements: u64,
}

/// A parameter that cannot be used, with what to do instead.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ParamError {
    #[error("--k {0}: k must be at least 2 (or leave --k out to choose k by silhouette)")]
    KTooSmall(usize),
    #[error("--min-statements 0: a speaker needs at least one statement to be clustered")]
    MinStatements,
}

impl ClusterParams {
    pub fn new(k: Option<usize>, seed: u64, min_statements: u64) -> Result<Self, ParamError> {
        if let Some(k) = k
            && k < 2
        {
            return Err(ParamError::KTooSmall(k));
        }
        if min_statements == 0 {
            return Err(ParamError::MinStatements);
        }
        Ok(ClusterParams {
            k,
            seed,
            min_statements,
        })
    }

    pub fn k(&self) -> Option<usize> {
        self.k
    }
    pub fn seed(&self) -> u64 {
        self.seed
    }
    pub fn min_statements(&self) -> u64 {
        self.min_statements
    }
}

impl Default for ClusterParams {
    fn default() -> Self {
        ClusterParams {
            k: None,
            seed: 42,
            min_statements: 2,
        }
    }
}

/// One item's place.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Assignment {
    pub id: String,
    pub cluster: usize,
    /// Euclidean distance to its centroid, in standardized units.
    pub distance: f64,
    pub pc: Option<(f64, f64)>,
}

/// One cluster described in the features' original units.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Profile {
    pub cluster: usize,
    pub size: usize,
    /// Per feature: (centroid, overall mean, standardized difference).
    pub features: Vec<(f64, f64, f64)>,
}

/// The clustering of one level.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Clustering {
    pub level: String,
    pub k: usize,
    pub silhouette: Option<f64>,
    pub features: Vec<String>,
    pub assignments: Vec<Assignment>,
    pub profiles: Vec<Profile>,
}

/// What became of a level.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Outcome {
    Done(Clustering),
    Skipped { level: String, note: String },
}

/// Clusters `points` (any order; sorted by id here).
pub fn cluster(
    level: &'static str,
    features: Vec<String>,
    mut points: Vec<Point>,
    params: &ClusterParams,
) -> Outcome {
    points.sort_by(|a, b| a.id.cmp(&b.id));
    let n = points.len();
    if n < 3 {
        return Outcome::Skipped {
            level: level.into(),
            note: format!("{level} clustering skipped: {n} item(s), at least 3 are needed"),
        };
    }
    let d = features.len();
    let raw = Array2::from_shape_fn((n, d), |(i, j)| f64::from(points[i].features[j]));
    let mean = raw.mean_axis(Axis(0)).expect("n >= 3");
    let sd = raw.std_axis(Axis(0), 1.0);
    let z = Array2::from_shape_fn((n, d), |(i, j)| {
        if sd[j] > 1e-12 {
            (raw[[i, j]] - mean[j]) / sd[j]
        } else {
            0.0
        }
    });
    let distinct = {
        let mut rows: Vec<Vec<u64>> = z
            .outer_iter()
            .map(|r| r.iter().map(|v| v.to_bits()).collect())
            .collect();
        rows.sort();
        rows.dedup();
        rows.len()
    };
    if distinct < 2 {
        return Outcome::Skipped {
            level: level.into(),
            note: format!("{level} clustering skipped: all {n} items have the same features"),
        };
    }
    let max_k = MAX_K.min(n - 1).min(distinct);
    let ks = match params.k {
        Some(k) => {
            let k = k.min(n - 1).min(distinct);
            k..=k
        }
        None => 2..=max_k.max(2),
    };
    let s = sample(&z);
    let Some((k, silhouette, centroids)) = choose_k(&s, ks, params.seed) else {
        return Outcome::Skipped {
            level: level.into(),
            note: format!("{level} clustering skipped: KMeans did not converge"),
        };
    };
    let placed: Vec<(usize, f64)> = z.outer_iter().map(|r| nearest(r, &centroids)).collect();
    let labels: Vec<usize> = placed.iter().map(|p| p.0).collect();
    // Renumber clusters by first appearance in id order.
    let mut map = vec![usize::MAX; k];
    let mut next = 0;
    for &l in &labels {
        if map[l] == usize::MAX {
            map[l] = next;
            next += 1;
        }
    }
    let pcs = pca2(&s, &z);
    let assignments = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let (c, dist) = placed[i];
            Assignment {
                id: p.id.clone(),
                cluster: map[c],
                distance: dist,
                pc: pcs.as_ref().map(|m| (m[[i, 0]], m[[i, 1]])),
            }
        })
        .collect::<Vec<_>>();
    let mut profiles = Vec::new();
    for c in 0..next {
        let members: Vec<usize> = (0..n).filter(|&i| assignments[i].cluster == c).collect();
        let size = members.len();
        let feats = (0..d)
            .map(|j| {
                let centroid = members.iter().map(|&i| raw[[i, j]]).sum::<f64>() / size as f64;
                let diff = if sd[j] > 1e-12 {
                    (centroid - mean[j]) / sd[j]
                } else {
                    0.0
                };
                (centroid, mean[j], diff)
            })
            .collect();
        profiles.push(Profile {
            cluster: c,
            size,
            features: feats,
        });
    }
    Outcome::Done(Clustering {
        level: level.into(),
        k: next,
        silhouette,
        features,
        assignments,
        profiles,
    })
}

fn kmeans(z: &Array2<f64>, k: usize, seed: u64) -> Option<(Vec<usize>, Array2<f64>)> {
    // Up to SILHOUETTE_SAMPLE rows: every call sees the sample, never the whole level.
    let data = DatasetBase::from(z.clone());
    let model = KMeans::params_with_rng(k, Xoshiro256Plus::seed_from_u64(seed))
        .n_runs(2)
        .max_n_iterations(100)
        .tolerance(1e-6)
        .fit(&data)
        .ok()?;
    let labels = model.predict(z).to_vec();
    Some((labels, model.centroids().clone()))
}

/// An even sample of at most [`SILHOUETTE_SAMPLE`] rows.
fn sample(z: &Array2<f64>) -> Array2<f64> {
    let n = z.nrows();
    if n <= SILHOUETTE_SAMPLE {
        return z.clone();
    }
    let idx: Vec<usize> = (0..SILHOUETTE_SAMPLE)
        .map(|i| i * n / SILHOUETTE_SAMPLE)
        .collect();
    z.select(Axis(0), &idx)
}

/// Chooses k by silhouette on the sample and returns the model for it, fitted on the
/// sample (at most [`SILHOUETTE_SAMPLE`] items; beyond that the sample stands for the
/// whole, like mini-batch KMeans, and every item is then assigned to its nearest
/// centroid).
fn choose_k(
    s: &Array2<f64>,
    ks: std::ops::RangeInclusive<usize>,
    seed: u64,
) -> Option<(usize, Option<f64>, Array2<f64>)> {
    let dist = distances(s);
    let mut best: Option<(usize, f64, Array2<f64>)> = None;
    let single = ks.start() == ks.end();
    for k in ks {
        if k >= s.nrows() {
            break;
        }
        let Some((labels, centroids)) = kmeans(s, k, seed) else {
            continue;
        };
        if single {
            return Some((k, None, centroids));
        }
        let sil = silhouette_from(&dist, s.nrows(), &labels);
        if best.as_ref().is_none_or(|(_, b, _)| sil > b + 1e-12) {
            best = Some((k, sil, centroids));
        }
    }
    best.map(|(k, sil, c)| (k, Some(sil), c))
}

/// Pairwise Euclidean distances, row-major n × n.
fn distances(x: &Array2<f64>) -> Vec<f64> {
    let n = x.nrows();
    let mut d = vec![0.0; n * n];
    for i in 0..n {
        for j in i + 1..n {
            let v = x
                .row(i)
                .iter()
                .zip(x.row(j))
                .map(|(a, b)| (a - b).powi(2))
                .sum::<f64>()
                .sqrt();
            d[i * n + j] = v;
            d[j * n + i] = v;
        }
    }
    d
}

/// The index of the nearest centroid (the first on a tie) and the distance to it.
fn nearest(row: ndarray::ArrayView1<f64>, centroids: &Array2<f64>) -> (usize, f64) {
    let mut best = (0, f64::INFINITY);
    for (c, cen) in centroids.outer_iter().enumerate() {
        let d = row
            .iter()
            .zip(cen)
            .map(|(a, b)| (a - b).powi(2))
            .sum::<f64>()
            .sqrt();
        if d < best.1 {
            best = (c, d);
        }
    }
    best
}

/// Mean silhouette coefficient (Rousseeuw 1987) with Euclidean distances; an item
/// alone in its cluster scores 0.
pub fn silhouette(x: &Array2<f64>, labels: &[usize]) -> f64 {
    silhouette_from(&distances(x), x.nrows(), labels)
}

fn silhouette_from(dist: &[f64], n: usize, labels: &[usize]) -> f64 {
    let k = labels.iter().max().map_or(0, |m| m + 1);
    let mut size = vec![0usize; k];
    for &l in labels {
        size[l] += 1;
    }
    let mut total = 0.0;
    let mut sums = vec![0.0; k];
    for i in 0..n {
        sums.iter_mut().for_each(|s| *s = 0.0);
        for (j, d) in dist[i * n..(i + 1) * n].iter().enumerate() {
            sums[labels[j]] += d;
        }
        let own = labels[i];
        if size[own] <= 1 {
            continue;
        }
        let a = sums[own] / (size[own] - 1) as f64;
        let b = (0..k)
            .filter(|&c| c != own && size[c] > 0)
            .map(|c| sums[c] / size[c] as f64)
            .fold(f64::INFINITY, f64::min);
        if b.is_finite() {
            total += (b - a) / a.max(b).max(1e-300);
        }
    }
    total / n as f64
}

/// The first two principal components of each row; `None` when there are fewer than
/// two features or the decomposition fails.
fn pca2(fit_on: &Array2<f64>, z: &Array2<f64>) -> Option<Array2<f64>> {
    if z.ncols() < 2 {
        return None;
    }
    let data = DatasetBase::from(fit_on.clone());
    let pca = Pca::params(2).fit(&data).ok()?;
    let mut out: Array2<f64> = pca.predict(z);
    if out.ncols() < 2 || out.nrows() != z.nrows() {
        return None;
    }
    // A component's sign is arbitrary: make its largest loading positive.
    let comps = pca.components();
    for c in 0..2.min(comps.nrows()) {
        let row = comps.row(c);
        let big = row
            .iter()
            .copied()
            .fold(0.0f64, |m, v| if v.abs() > m.abs() { v } else { m });
        if big < 0.0 {
            out.column_mut(c).mapv_inplace(|v| -v);
        }
    }
    out.iter().all(|v| v.is_finite()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pts(xs: &[(f32, f32)]) -> Vec<Point> {
        xs.iter()
            .enumerate()
            .map(|(i, &(a, b))| Point {
                id: format!("p{i:02}"),
                features: vec![a, b],
            })
            .collect()
    }

    fn names() -> Vec<String> {
        vec!["x".into(), "y".into()]
    }

    #[test]
    fn two_obvious_groups_are_found_with_k_by_silhouette() {
        let p = pts(&[
            (0.0, 0.0),
            (0.1, 0.0),
            (0.0, 0.1),
            (0.1, 0.1),
            (5.0, 5.0),
            (5.1, 5.0),
            (5.0, 5.1),
            (5.1, 5.1),
        ]);
        let Outcome::Done(c) = cluster("article", names(), p, &ClusterParams::default()) else {
            panic!("not clustered")
        };
        assert_eq!(c.k, 2);
        assert!(c.silhouette.unwrap() > 0.9);
        let labels: Vec<usize> = c.assignments.iter().map(|a| a.cluster).collect();
        assert_eq!(labels, [0, 0, 0, 0, 1, 1, 1, 1]);
        assert_eq!(c.profiles[1].size, 4);
        assert!((c.profiles[1].features[0].0 - 5.05).abs() < 1e-6);
        assert!(c.assignments.iter().all(|a| a.pc.is_some()));
    }

    #[test]
    fn fewer_than_three_items_is_a_note_not_an_error() {
        let out = cluster(
            "outlet",
            names(),
            pts(&[(0.0, 1.0), (1.0, 0.0)]),
            &ClusterParams::default(),
        );
        assert!(matches!(out, Outcome::Skipped { ref level, .. } if level == "outlet"));
    }

    #[test]
    fn identical_items_are_skipped() {
        let out = cluster(
            "speaker",
            names(),
            pts(&[(1.0, 1.0); 5]),
            &ClusterParams::default(),
        );
        assert!(matches!(out, Outcome::Skipped { .. }));
    }

    #[test]
    fn same_seed_same_result_whatever_the_input_order() {
        let mut p = pts(&[
            (0.0, 3.0),
            (1.0, 2.5),
            (2.0, 0.0),
            (2.5, 0.5),
            (4.0, 4.0),
            (4.5, 3.5),
            (0.5, 0.2),
        ]);
        let params = ClusterParams::new(Some(3), 7, 2).unwrap();
        let a = cluster("article", names(), p.clone(), &params);
        p.reverse();
        let b = cluster("article", names(), p, &params);
        assert_eq!(a, b);
    }

    #[test]
    fn params_are_validated() {
        assert_eq!(
            ClusterParams::new(Some(1), 42, 2),
            Err(ParamError::KTooSmall(1))
        );
        assert_eq!(
            ClusterParams::new(None, 42, 0),
            Err(ParamError::MinStatements)
        );
    }

    #[test]
    fn pca_on_rank_deficient_data_does_not_panic() {
        // Regression: collinear features made PCA return one component, and reading
        // the second one panicked with an index out of bounds.
        let p = pts(&[(0.0, 0.0), (1.0, 2.0), (2.0, 4.0), (3.0, 6.0), (10.0, 20.0)]);
        let Outcome::Done(c) = cluster("article", names(), p, &ClusterParams::default()) else {
            panic!("not clustered")
        };
        assert_eq!(c.assignments.len(), 5);
    }

    #[test]
    fn silhouette_of_separated_pairs_is_high() {
        let x = ndarray::arr2(&[[0.0, 0.0], [0.0, 1.0], [10.0, 0.0], [10.0, 1.0]]);
        let s = silhouette(&x, &[0, 0, 1, 1]);
        assert!(s > 0.85, "{s}");
    }
}
