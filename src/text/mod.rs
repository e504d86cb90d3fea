//! Text: normalize → tokenize → sentences, all keeping byte offsets into the original.
//!
//! These stages sit between cleaning and lexicon matching. Tokens and sentences carry
//! `start..end` byte offsets into the article's original text; the normalized form of
//! each token (NFKC, lowercase, curly quotes and apostrophes folded) lives in a side
//! buffer. Lexicon entries go through [`normalize`] too, so a lexicon term matches
//! exactly what the same words in an article normalize to.

pub mod normalize;
pub mod sentences;
pub mod tokenize;

pub use normalize::{fold_diacritics, normalize};
pub use sentences::{Sentence, split_sentences};
pub use tokenize::{Token, TokenKind, TokenStream, tokenize};
