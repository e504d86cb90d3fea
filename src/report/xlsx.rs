//! `--xlsx`: the CSV reports again as the sheets of one workbook, `slant.xlsx`.
//!
//! The last report step: it reads back the finished CSV files of the staging folder, so
//! the workbook cannot disagree with them. Numeric cells become numbers, the rest
//! strings (the `'` formula guard of the CSV files is not needed there and is
//! dropped); the header row is bold and frozen. Sheets are written in constant-memory
//! mode, and the document date is fixed so that the workbook is identical run to run.

use std::path::Path;

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};

use super::unguard;
use crate::error::Error;

pub const FILE: &str = "slant.xlsx";

/// The most data rows a sheet can hold (Excel's limit less the header).
const MAX_ROWS: u32 = 1_048_575;

/// Columns whose cells stay text even when they look like numbers.
const TEXT_COLUMNS: &[&str] = &[
    "id",
    "article_id",
    "path",
    "outlet",
    "speaker",
    "title",
    "url",
    "text",
    "term",
    "period",
    "date",
    "affiliation",
    "metric",
];

fn xlsx_err(path: &Path, e: XlsxError) -> Error {
    Error::Output {
        path: path.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    }
}

/// Writes `dir/slant.xlsx` with one sheet per file in `files` (CSV names in `dir`).
pub fn write(dir: &Path, files: &[&str]) -> Result<(), Error> {
    let path = dir.join(FILE);
    let err = |e| xlsx_err(&path, e);
    let mut wb = Workbook::new();
    let date = ExcelDateTime::from_ymd(2000, 1, 1).map_err(err)?;
    wb.set_properties(
        &DocProperties::new()
            .set_creation_datetime(&date)
            .set_title("slant reports"),
    );
    let bold = Format::new().set_bold();
    for file in files {
        let csv_path = dir.join(file);
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_path(&csv_path)
            .map_err(|e| Error::Csv {
                path: csv_path.clone(),
                message: e.to_string(),
            })?;
        let ws = wb.add_worksheet_with_constant_memory().map_err(err)?;
        ws.set_name(file.trim_end_matches(".csv")).map_err(err)?;
        ws.set_freeze_panes(1, 0).map_err(err)?;
        let mut text_col: Vec<bool> = Vec::new();
        for (r, rec) in rdr.records().enumerate() {
            let rec = rec.map_err(|e| Error::Csv {
                path: csv_path.clone(),
                message: e.to_string(),
            })?;
            let row = r as u32;
            if row > MAX_ROWS {
                ws.write_string(row, 0, format!("(more rows in {file})"))
                    .map_err(err)?;
                break;
            }
            for (c, cell) in rec.iter().enumerate() {
                let col = c as u16;
                if r == 0 {
                    text_col.push(TEXT_COLUMNS.contains(&cell));
                    ws.write_string_with_format(row, col, cell, &bold)
                        .map_err(err)?;
                    continue;
                }
                if cell.is_empty() {
                    continue;
                }
                let number = (!text_col.get(c).copied().unwrap_or(true))
                    .then(|| cell.parse::<f64>().ok())
                    .flatten()
                    .filter(|v| v.is_finite());
                match number {
                    Some(v) => ws.write_number(row, col, v).map_err(err)?,
                    None => ws.write_string(row, col, unguard(cell)).map_err(err)?,
                };
            }
        }
    }
    wb.save(&path).map_err(err)?;
    Ok(())
}
