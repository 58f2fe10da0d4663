//! Sending a stored document: its bytes streamed chunk by chunk, each read on the blocking pool.

use actix_web::http::header::{self, Charset, ContentDisposition, DispositionParam, DispositionType, ExtendedValue};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};

use super::store::{self, DocumentRow};
use crate::db::Db;
use crate::error::ApiError;
use crate::http::conditional::{self, Tag};
use crate::http::normalize;

/// The document's bytes with its type, length, file name and `ETag` (the sha256); 304 when the
/// client's copy is current.
pub fn respond(req: &HttpRequest, db: Db, doc: DocumentRow) -> Result<HttpResponse, ApiError> {
    let tag = Tag::opaque(doc.sha256.clone());
    if let Some(not_modified) = conditional::not_modified(req, &tag)? {
        return Ok(not_modified);
    }
    let content_type = doc.kind()?.as_str();
    // HEAD: the same headers, and no chunk read (actix would poll the stream to its end).
    let chunks = if normalize::was_head(req) { 0 } else { doc.chunks() };
    let (size, id) = (doc.size as u64, doc.id.clone());
    let stream = futures_util::stream::unfold(0i64, move |seq| {
        let (db, id) = (db.clone(), id.clone());
        async move {
            if seq >= chunks {
                return None;
            }
            let bytes = db.run(move |c| store::chunk(c, &id, seq)).await.map(Bytes::from);
            Some((bytes, seq + 1))
        }
    });
    Ok(conditional::single_headers(&tag)
        .content_type(content_type)
        .insert_header(disposition(&doc.filename))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .no_chunking(size)
        .streaming(stream))
}

/// `attachment` with an ASCII `filename` and the exact name as RFC 8187 `filename*`.
fn disposition(name: &str) -> ContentDisposition {
    let ascii: String = name.chars().map(|c| if c.is_ascii_graphic() || c == ' ' { c } else { '_' }).collect();
    let ascii = ascii.replace(['"', '\\'], "_");
    ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![
            DispositionParam::Filename(ascii),
            DispositionParam::FilenameExt(ExtendedValue {
                charset: Charset::Ext("UTF-8".to_owned()),
                language_tag: None,
                value: name.as_bytes().to_vec(),
            }),
        ],
    }
}
