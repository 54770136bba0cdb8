//! The font the mark is written in: a face that has Traditional Chinese,
//! found on the system with `fontdb` (Debian's `fonts-noto-cjk`; Microsoft
//! JhengHei on Windows; PingFang on macOS).

use ab_glyph::FontVec;

use crate::MarkError;

/// Families tried in order.
const FAMILIES: &[&str] = &[
    "Noto Sans CJK TC",
    "Noto Sans TC",
    "Microsoft JhengHei",
    "PingFang TC",
    "Noto Serif CJK TC",
    "Noto Sans CJK JP",
    "Noto Sans CJK SC",
];

/// A loaded face (parse once, mark many pages).
pub struct Fonts {
    pub(crate) face: FontVec,
    /// The family found, for the record.
    pub family: String,
}

impl std::fmt::Debug for Fonts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fonts")
            .field("family", &self.family)
            .finish_non_exhaustive()
    }
}

impl Fonts {
    /// The first of [`FAMILIES`] installed, with a glyph for 密.
    pub fn system() -> Result<Self, MarkError> {
        let mut db = fontdb::Database::new();
        db.load_system_fonts();
        for family in FAMILIES {
            let query = fontdb::Query {
                families: &[fontdb::Family::Name(family)],
                weight: fontdb::Weight::NORMAL,
                ..fontdb::Query::default()
            };
            let Some(id) = db.query(&query) else { continue };
            let face = db.with_face_data(id, |data, index| {
                FontVec::try_from_vec_and_index(data.to_vec(), index).ok()
            });
            if let Some(Some(face)) = face {
                use ab_glyph::Font as _;
                if face.glyph_id('密').0 != 0 {
                    return Ok(Self {
                        face,
                        family: (*family).to_owned(),
                    });
                }
            }
        }
        Err(MarkError::NoFont)
    }
}
