//! Paths: which ones belong to the admin surface, and path tolerance:
//! `/accounts/k/secrets/` is `/accounts/k/secrets` (legacy SDKs add a
//! trailing slash; a trailing `?` is simply an empty query).
//!
//! Owns: the admin prefix and rewriting the request URI before routing.
//! Must not: touch the query string or anything else.

use axum::extract::Request;
use axum::http::Uri;
use axum::middleware::Next;
use axum::response::Response;

/// Every admin path starts with this.
pub const ADMIN_PREFIX: &str = "/_sandbox/";

/// Is `path` part of the admin surface (`/_sandbox/…`)?
pub fn is_admin(path: &str) -> bool {
    path.starts_with(ADMIN_PREFIX)
}

/// Middleware: strips trailing slashes from the path.
pub async fn normalize(mut request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if path.len() > 1 && path.ends_with('/') {
        let trimmed = path.trim_end_matches('/');
        let trimmed = if trimmed.is_empty() { "/" } else { trimmed };
        let rebuilt = match request.uri().query() {
            Some(query) => format!("{trimmed}?{query}"),
            None => trimmed.to_string(),
        };
        if let Ok(uri) = rebuilt.parse::<Uri>() {
            *request.uri_mut() = uri;
        }
    }
    next.run(request).await
}
