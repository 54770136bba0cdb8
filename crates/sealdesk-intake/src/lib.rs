//! Reading an incoming letter — a PDF, a scan, an e-mail or typed text —
//! into text and facts about it.
//!
//! Architecture Invariant: untrusted bytes are parsed only inside a worker
//! process ([`worker_main`]) with a time limit, a memory limit and a size cap
//! ([`run_isolated`]). A crafted PDF has made Rust PDF crates overflow the
//! stack, which `catch_unwind` cannot catch; in a child process it only ends
//! that child. The file reaches the worker through a pipe and the text comes
//! back through a pipe: plaintext never touches a temp file.

mod document;
mod extract;
pub mod legibility;
pub mod ocr;
pub mod redact;
pub mod render;
mod worker;

use sealdesk_core::pii::Finding;
use serde::{Deserialize, Serialize};

pub use extract::{
    decode_text, detect_kind, extract, extract_with, ExtractOptions, MAX_FINDINGS, MAX_TEXT_CHARS,
};
pub use ocr::OcrWord;
pub use worker::{
    image_isolated, read_letter, run_isolated, worker_main, Limits, WorkerCommand, WORKER_ARG,
};

/// What kind of file a letter came as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    Pdf,
    Image,
    Email,
    Text,
    /// An office document: ODF (`.odt`, `.ods`, `.odp`) or Word (`.docx`).
    Document,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Pdf => "pdf",
            SourceKind::Image => "image",
            SourceKind::Email => "email",
            SourceKind::Text => "text",
            SourceKind::Document => "document",
        }
    }
}

/// An attachment of an e-mail, registered as an attachment of the letter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub name: String,
    pub content_type: String,
    pub size: usize,
    pub sha256: String,
}

/// E-mail headers: they identify the sender, so they belong to the identity
/// compartment, never to the working copy.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct EmailHeaders {
    pub from_name: Option<String>,
    pub from_address: Option<String>,
    pub to: Vec<String>,
    pub subject: Option<String>,
    pub date: Option<String>,
}

/// What the worker read from one file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Extracted {
    pub source: SourceKind,
    /// The letter's text; empty for a scan without a text layer.
    pub text: String,
    pub pages: u32,
    pub has_text_layer: bool,
    /// Which extractor produced the text (`pdf-extract`, `pdf_oxide`, …).
    pub extractor: String,
    pub email: Option<EmailHeaders>,
    pub attachments: Vec<Attachment>,
    /// A scan re-encoded as PNG with its metadata (EXIF, GPS) dropped.
    #[serde(with = "hex_opt", default)]
    pub working_image: Option<Vec<u8>>,
    /// Notices for the clerk (zh-TW first), e.g. that a scan has no text layer.
    pub notices: Vec<String>,
    /// The personal data in `text`, detected here in the worker, under its
    /// limits: a text built to make detection slow or huge ends the worker,
    /// not the app.
    #[serde(default)]
    pub findings: Vec<Finding>,
    /// For a scan: the words OCR read and their boxes on the page image.
    #[serde(default)]
    pub ocr_words: Vec<OcrWord>,
    /// For a PDF: its pages rendered, with the place of every glyph.
    #[serde(default)]
    pub page_renders: Vec<render::PageRender>,
    /// Where in `text` the part with page images starts: an e-mail's body
    /// comes before its attachments' pages and is on no page image, so
    /// what is found in it needs no box (0 for every other letter).
    #[serde(default)]
    pub pages_from: usize,
}

impl Extracted {
    /// Nothing read yet from a file of this kind.
    pub fn empty(source: SourceKind, extractor: &str) -> Self {
        Self {
            source,
            text: String::new(),
            pages: 0,
            has_text_layer: false,
            extractor: extractor.into(),
            email: None,
            attachments: Vec::new(),
            working_image: None,
            notices: Vec::new(),
            findings: Vec::new(),
            ocr_words: Vec::new(),
            page_renders: Vec::new(),
            pages_from: 0,
        }
    }
}

/// Why a file could not be read. `kind()` is stable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "kind", content = "message", rename_all = "snake_case")]
pub enum IntakeError {
    #[error("unsupported file type: {0}")]
    Unsupported(String),
    #[error("the file is damaged or not what it claims to be: {0}")]
    Malformed(String),
    #[error("the file is larger than the {0} MiB limit")]
    TooLarge(u64),
    #[error("reading the file took longer than {0} s and was stopped")]
    Timeout(u64),
    #[error("reading the file needed more memory than allowed and was stopped")]
    OutOfMemory,
    #[error("the reader crashed on this file ({0}); nothing else was affected")]
    Crashed(String),
    #[error("the file is empty")]
    Empty,
    #[error("could not start the reader: {0}")]
    Worker(String),
    #[error("the file's text is {0} characters long, more than the {1} a letter is checked for personal data at once; split it")]
    TextTooLong(usize, usize),
    #[error("more than {0} items of personal data were found: this is not a letter that can be masked safely; register it by hand")]
    TooManyFindings(usize),
}

impl IntakeError {
    pub fn kind(&self) -> &'static str {
        match self {
            IntakeError::Unsupported(_) => "unsupported",
            IntakeError::Malformed(_) => "malformed",
            IntakeError::TooLarge(_) => "too_large",
            IntakeError::Timeout(_) => "timeout",
            IntakeError::OutOfMemory => "out_of_memory",
            IntakeError::Crashed(_) => "crashed",
            IntakeError::Empty => "empty",
            IntakeError::Worker(_) => "worker",
            IntakeError::TextTooLong(..) => "text_too_long",
            IntakeError::TooManyFindings(_) => "too_many_findings",
        }
    }
}

mod hex_bytes {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(v))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let h = String::deserialize(d)?;
        hex::decode(h).map_err(serde::de::Error::custom)
    }
}

mod hex_opt {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(b) => s.serialize_some(&hex::encode(b)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<u8>>, D::Error> {
        let o: Option<String> = Option::deserialize(d)?;
        o.map(|h| hex::decode(h).map_err(serde::de::Error::custom))
            .transpose()
    }
}
