//! The accepted document types and how their first bytes identify them.

use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr};
use utoipa::ToSchema;

/// The media type of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, IntoStaticStr, EnumString)]
pub enum DocumentType {
    /// PDF; starts with `%PDF-`.
    #[serde(rename = "application/pdf")]
    #[strum(serialize = "application/pdf")]
    Pdf,
    /// PNG image.
    #[serde(rename = "image/png")]
    #[strum(serialize = "image/png")]
    Png,
    /// JPEG image.
    #[serde(rename = "image/jpeg")]
    #[strum(serialize = "image/jpeg")]
    Jpeg,
    /// TIFF image (scanned paper).
    #[serde(rename = "image/tiff")]
    #[strum(serialize = "image/tiff")]
    Tiff,
}

/// Every accepted media type, as the upload endpoints list them.
pub const ACCEPTED: &str = "application/pdf, image/png, image/jpeg or image/tiff";

impl DocumentType {
    /// The media type.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The file extension used when the client names no file.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Png => "png",
            Self::Jpeg => "jpg",
            Self::Tiff => "tif",
        }
    }

    /// The byte sequences a file of this type starts with.
    fn magic(self) -> &'static [&'static [u8]] {
        match self {
            Self::Pdf => &[b"%PDF-"],
            Self::Png => &[b"\x89PNG\r\n\x1a\n"],
            Self::Jpeg => &[b"\xFF\xD8\xFF"],
            Self::Tiff => &[b"II*\0", b"MM\0*"],
        }
    }

    /// Whether `head` (the first bytes, up to 8) starts the way this type's files start.
    pub fn matches(self, head: &[u8]) -> bool {
        self.magic().iter().any(|magic| head.starts_with(magic))
    }

    /// Whether more bytes could still turn `head` into a valid start.
    pub fn could_start(self, head: &[u8]) -> bool {
        self.magic().iter().any(|magic| magic.starts_with(head) || head.starts_with(magic))
    }

    /// What a file of this type starts with, for error messages.
    pub fn signature(self) -> &'static str {
        match self {
            Self::Pdf => "a PDF starts with %PDF-",
            Self::Png => "a PNG starts with the bytes 89 50 4E 47 0D 0A 1A 0A",
            Self::Jpeg => "a JPEG starts with the bytes FF D8 FF",
            Self::Tiff => "a TIFF starts with II*\\0 or MM\\0*",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::DocumentType;

    #[test]
    fn leading_bytes_must_fit_the_declared_type() {
        assert!(DocumentType::Pdf.matches(b"%PDF-1.7\n"));
        assert!(!DocumentType::Pdf.matches(b"\x89PNG\r\n\x1a\n"));
        assert!(DocumentType::Png.matches(b"\x89PNG\r\n\x1a\n"));
        assert!(DocumentType::Jpeg.matches(b"\xFF\xD8\xFF\xE0"));
        assert!(DocumentType::Tiff.matches(b"MM\0*\0\0\0\x08"));
        assert!(!DocumentType::Tiff.matches(b"II"));
        assert_eq!("image/png".parse::<DocumentType>().ok(), Some(DocumentType::Png));
    }
}
