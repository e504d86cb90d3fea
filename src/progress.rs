//! Progress: a bar on stderr for people, silence for cron.
//!
//! The bar (indicatif, by bytes read) is drawn only when stderr is a terminal and the
//! run is not `--quiet`; warnings about rejected inputs are printed above it. Otherwise
//! nothing is printed while the run goes on, and the caller prints one summary line.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// A bar over `total_bytes` when `interactive` and stderr is a terminal.
    pub fn new(total_bytes: u64, interactive: bool) -> Progress {
        if !interactive || !std::io::stderr().is_terminal() {
            return Progress { bar: None };
        }
        let bar = ProgressBar::with_draw_target(Some(total_bytes), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec}, {eta}) {msg}")
                .expect("valid template"),
        );
        Progress { bar: Some(bar) }
    }

    pub fn advance(&self, bytes: u64, articles: u64) {
        if let Some(b) = &self.bar {
            b.inc(bytes);
            b.set_message(format!("{articles} articles"));
        }
    }

    /// A line above the bar (interactive runs only).
    pub fn warn(&self, msg: &str) {
        if let Some(b) = &self.bar {
            b.println(format!("warning: {msg}"));
        }
    }

    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}
