//! Reading an upload: the declared type (415), the size limit (413, before the body is read in
//! full), the file name, the leading bytes and the sha256, keeping each received piece once.

use actix_web::http::header::{self, ContentDisposition, Header};
use actix_web::web::{self, Bytes, BytesMut};
use actix_web::HttpRequest;
use sha2::{Digest, Sha256};

use super::kind::{DocumentType, ACCEPTED};
use super::store::CHUNK;
use crate::error::ApiError;

/// A document received in full and checked, not yet stored.
pub struct Received {
    /// The body in blocks of [`CHUNK`] bytes (the last one shorter), each stored as one chunk.
    pub blocks: Vec<Bytes>,
    /// Total size in bytes.
    pub size: usize,
    /// SHA-256 of the bytes, hex.
    pub sha256: String,
    /// Declared (and verified) media type.
    pub content_type: DocumentType,
    /// File name to store.
    pub filename: String,
}

/// What the headers alone tell of an upload: the declared type (415), a declared length over
/// `limit` (413) or of nothing (422). Checked before anything else, the body included.
pub fn check_headers(req: &HttpRequest, limit: usize) -> Result<DocumentType, ApiError> {
    let content_type = declared_type(req)?;
    let declared =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    match declared {
        Some(len) if len > limit => Err(ApiError::PayloadTooLarge(format!("a document may be at most {limit} bytes"))),
        Some(0) => Err(ApiError::invalid("body", "empty", "the document is empty")),
        _ => Ok(content_type),
    }
}

/// Reads and checks an upload of at most `limit` bytes; `named` is the `?filename=` override.
pub async fn receive(
    req: &HttpRequest,
    mut payload: web::Payload,
    limit: usize,
    named: Option<String>,
) -> Result<Received, ApiError> {
    let content_type = check_headers(req, limit)?;
    let too_large = || ApiError::PayloadTooLarge(format!("a document may be at most {limit} bytes"));
    let filename = file_name(req, named, content_type);
    let (mut blocks, mut block, mut size) = (Vec::new(), BytesMut::new(), 0usize);
    let (mut hasher, mut head) = (Sha256::new(), Vec::with_capacity(8));
    let deadline = crate::http::body::deadline(req);
    while let Some(piece) = crate::http::body::next_piece(&mut payload, deadline).await? {
        size += piece.len();
        if size > limit {
            return Err(too_large());
        }
        if head.len() < 8 {
            head.extend(piece.iter().take(8 - head.len()));
            check_head(content_type, &head, false)?;
        }
        hasher.update(&piece);
        // Copy into whole blocks as the pieces arrive (however small they are) and let them go.
        let mut rest: &[u8] = &piece;
        while !rest.is_empty() {
            if block.capacity() == 0 {
                block.reserve(CHUNK.min(limit));
            }
            let take = rest.len().min(CHUNK - block.len());
            block.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
            if block.len() == CHUNK {
                blocks.push(block.split().freeze());
            }
        }
    }
    if !block.is_empty() {
        blocks.push(block.freeze());
    }
    if size == 0 {
        return Err(ApiError::invalid("body", "empty", "the document is empty"));
    }
    check_head(content_type, &head, true)?;
    Ok(Received { blocks, size, sha256: hex::encode(hasher.finalize()), content_type, filename })
}

fn declared_type(req: &HttpRequest) -> Result<DocumentType, ApiError> {
    let essence = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase());
    essence
        .and_then(|ct| ct.parse::<DocumentType>().ok())
        .ok_or_else(|| ApiError::UnsupportedMediaType(format!("send the document as {ACCEPTED}")))
}

/// 415 when the leading bytes cannot begin a file of the declared type (checked as soon as
/// enough bytes have arrived, so a mislabelled file is refused without reading all of it).
fn check_head(kind: DocumentType, head: &[u8], complete: bool) -> Result<(), ApiError> {
    let prefix_ok = kind.matches(head) || (!complete && head.len() < 8 && kind.could_start(head));
    if prefix_ok {
        return Ok(());
    }
    Err(ApiError::UnsupportedMediaType(format!("the content is not {}: {}", kind.as_str(), kind.signature())))
}

/// The file name: `?filename=`, else `Content-Disposition`'s, reduced to its last path segment
/// without control characters and cut to 255 characters; `document.<ext>` when nothing is left.
fn file_name(req: &HttpRequest, named: Option<String>, kind: DocumentType) -> String {
    let from_header = || {
        let disposition = ContentDisposition::parse(req).ok()?;
        disposition
            .get_filename_ext()
            .map(|ext| String::from_utf8_lossy(&ext.value).into_owned())
            .or_else(|| disposition.get_filename().map(str::to_owned))
    };
    let given = named.or_else(from_header).unwrap_or_default();
    let last = given.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = last.chars().filter(|c| !c.is_control() && !is_bidi_control(*c)).take(255).collect();
    match clean.trim() {
        "" | "." | ".." => format!("document.{}", kind.extension()),
        name => name.to_owned(),
    }
}

/// Unicode bidirectional formatting characters, which can disguise a file name's extension.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}
