//! One module per subcommand; each turns parsed arguments into library calls and
//! returns the process exit code.

pub mod diff;
pub mod explain;
pub mod lexicon;
pub mod quotes;
pub mod run;
pub mod sentiment;
