//! `rejects.csv`: every input that was skipped, with the reason and what to do.

use super::{Column, Row, col};
use crate::error::Reject;

pub const FILE: &str = "rejects.csv";

pub const COLUMNS: &[Column] = &[
    col(
        "path",
        "Input file (or manifest) that was rejected, whole or in part",
    ),
    col(
        "line",
        "Line of the rejected record or manifest row; empty when the whole file was rejected",
    ),
    col("reason", "Why it was skipped and how to fix it"),
];

pub fn row(r: &Reject) -> Row {
    let mut row = Row::new();
    row.text(&r.path)
        .opt_int(r.line)
        .text(&r.reason.to_string());
    row
}
