//! `clusters.csv` (each clustered item's cluster, distance and PCA coordinates) and
//! `cluster_profiles.csv` (each cluster's size, centroid in original units, and the
//! features that set it apart, ranked).

use std::collections::BTreeMap;
use std::path::Path;

use super::{Column, Row, Table, col};
use crate::cluster::Clustering;
use crate::error::Error;

pub const FILE: &str = "clusters.csv";
pub const PROFILES_FILE: &str = "cluster_profiles.csv";

pub const COLUMNS: &[Column] = &[
    col("level", "article, speaker or outlet"),
    col(
        "id",
        "Article id, speaker name (as in speakers.csv) or outlet name",
    ),
    col("cluster", "Cluster number within the level, from 0"),
    col(
        "distance",
        "Distance to the cluster centre in standardized units (z-scores of the features)",
    ),
    col(
        "pc1",
        "First principal component of the standardized features",
    ),
    col("pc2", "Second principal component"),
];

pub const PROFILE_COLUMNS: &[Column] = &[
    col("level", "article, speaker or outlet"),
    col("cluster", "Cluster number"),
    col("size", "Items in the cluster"),
    col(
        "feature",
        "A clustering feature: frame_*_share, stance_* index, sentiment, and for articles and outlets expert_share, official_share, quotes_per_1k",
    ),
    col(
        "centroid",
        "Mean of the feature in the cluster, original units",
    ),
    col("overall_mean", "Mean of the feature over the level"),
    col(
        "difference_sd",
        "(centroid - overall mean) / standard deviation of the feature",
    ),
    col(
        "rank",
        "1 for the feature that sets the cluster apart most (largest |difference_sd|)",
    ),
];

/// Writes both files; `names` maps speaker keys to display names.
pub fn write(
    dir: &Path,
    done: &[Clustering],
    names: &BTreeMap<String, String>,
) -> Result<(), Error> {
    let mut t = Table::create(dir, FILE, COLUMNS)?;
    for c in done {
        for a in &c.assignments {
            let id = match c.level.as_str() {
                "speaker" => names.get(&a.id).map_or(a.id.as_str(), String::as_str),
                _ => a.id.as_str(),
            };
            let mut r = Row::new();
            r.text(&c.level)
                .text(id)
                .int(a.cluster as u64)
                .float(a.distance, 4)
                .opt_float(a.pc.map(|p| p.0), 4)
                .opt_float(a.pc.map(|p| p.1), 4);
            t.row(&r)?;
        }
    }
    t.finish()?;
    let mut t = Table::create(dir, PROFILES_FILE, PROFILE_COLUMNS)?;
    for c in done {
        for p in &c.profiles {
            let mut order: Vec<usize> = (0..p.features.len()).collect();
            // Largest difference first; ties by feature order, for stable output.
            order.sort_by(|&a, &b| {
                p.features[b]
                    .2
                    .abs()
                    .total_cmp(&p.features[a].2.abs())
                    .then(a.cmp(&b))
            });
            let mut rank = vec![0; order.len()];
            for (i, &f) in order.iter().enumerate() {
                rank[f] = i + 1;
            }
            for (j, (centroid, mean, diff)) in p.features.iter().enumerate() {
                let mut r = Row::new();
                r.text(&c.level)
                    .int(p.cluster as u64)
                    .int(p.size as u64)
                    .text(&c.features[j])
                    .float(*centroid, 4)
                    .float(*mean, 4)
                    .float(*diff, 3)
                    .int(rank[j] as u64);
                t.row(&r)?;
            }
        }
    }
    t.finish()?;
    Ok(())
}
