//! Marks on every page anyone sees or takes away, and reading them back.
//!
//! A marked page is the redacted page image (never the original) with:
//! - a tiled, rotated, semi-transparent mark naming the recipient, their
//!   unit, the export code, the local time, the 密等 and the copy number
//!   (複製物 第N份), over the whole page, so no part of the page can be
//!   shown without it, and a cropped copy still says whose and which it is;
//! - QR codes of the export code on the page's blank paper (margins, the
//!   space below the last line), never over the letter: a grey or
//!   black-and-white copy, a phone photo in perspective, a crop of any
//!   part that keeps one still names the copy, and their places depend on
//!   the code, so copies averaged show every recipient's;
//! - the invisible mark, a faint checkerboard over the whole page, for
//!   the parts of a page without blank paper;
//! - a footer band: 密等, 保密期限 or 解密條件, 「複製物 第N份」 (or that it is
//!   an on-screen view), the recipient again, the export code in letters,
//!   and the same code as a QR code, which a phone photo of the page still
//!   carries.
//!
//! The output is raster: there is no text layer to strip and no mark object
//! to lift off. [`trace`] reads the code back from a photo or a scan.
//!
//! This crate knows nothing of vaults, users or the ledger: it is given the
//! words to print and the code, and gives pixels back.

mod code;
mod fonts;
mod hidden;
mod pdf;
mod text;
mod trace;
mod visible;

pub use code::{ExportCode, MAX_OCR_DISTANCE};
pub use fonts::Fonts;
pub use pdf::raster_pdf;
pub use text::text_pages;
pub use trace::{
    read_all, read_all_image, read_invisible, read_tiled, trace, trace_image, trace_tiled_text,
    trace_with_ocr, Channel, Ocr, Traced,
};
pub use visible::{mark_image, mark_page, MarkKind, MarkSpec, FOOTER_PX};

#[derive(Debug, thiserror::Error)]
pub enum MarkError {
    /// No font that can write Traditional Chinese was found: a page is
    /// never given out with a mark that cannot be read.
    #[error("no Traditional Chinese font found for the mark (install fonts-noto-cjk)")]
    NoFont,
    #[error("page image: {0}")]
    Image(String),
}
