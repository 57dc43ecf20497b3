//! The webhook receiver's log: what arrived at `/_sandbox/webhooks/…`, so a
//! test can point callback URLs at the sandbox itself (callback checks on
//! loopback, `--strict`) and see what was sent there.
//!
//! Owns: the record shape and the bounded buffer (the newest 1,000
//! deliveries; bodies kept up to 16 KiB, as text).
//! Must not: import anything from the sandbox, or keep a credential (query
//! parameters `api_key` and `api_secret` are dropped, as in the call log).

use std::collections::VecDeque;

use serde::Serialize;

const CAPACITY: usize = 1_000;

/// Longest body kept, in bytes; longer ones are cut and flagged.
pub const MAX_BODY: usize = 16 * 1024;

#[derive(Clone, Debug, Serialize)]
pub struct WebhookRecord {
    pub method: String,
    /// The path below `/_sandbox/webhooks`, e.g. `/inbound-sms`.
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// The body as text (invalid UTF-8 replaced); empty when there was none.
    pub body: String,
    /// The body was longer than [`MAX_BODY`] and was cut.
    pub body_truncated: bool,
    pub time: String,
    /// The sandbox's own callback check, not a delivery from elsewhere.
    /// Absent when false.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub internal: bool,
}

#[derive(Default)]
pub struct WebhookLog {
    records: VecDeque<WebhookRecord>,
}

impl WebhookLog {
    pub fn push(&mut self, record: WebhookRecord) {
        if self.records.len() == CAPACITY {
            self.records.pop_front();
        }
        self.records.push_back(record);
    }

    /// Oldest first.
    pub fn records(&self) -> Vec<WebhookRecord> {
        self.records.iter().cloned().collect()
    }

    pub fn clear(&mut self) {
        self.records.clear();
    }
}

/// A body as kept in a record: text, cut at [`MAX_BODY`] bytes.
pub fn body_text(bytes: &[u8]) -> (String, bool) {
    let truncated = bytes.len() > MAX_BODY;
    let kept = &bytes[..bytes.len().min(MAX_BODY)];
    (String::from_utf8_lossy(kept).into_owned(), truncated)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_bodies_are_cut_and_flagged() {
        let (text, cut) = body_text(b"hello");
        assert_eq!((text.as_str(), cut), ("hello", false));
        let (text, cut) = body_text(&vec![b'x'; MAX_BODY + 1]);
        assert_eq!((text.len(), cut), (MAX_BODY, true));
    }

    #[test]
    fn the_log_keeps_the_newest() {
        let mut log = WebhookLog::default();
        for i in 0..CAPACITY + 2 {
            log.push(WebhookRecord {
                method: "POST".into(),
                path: format!("/{i}"),
                query: None,
                content_type: None,
                body: String::new(),
                body_truncated: false,
                time: String::new(),
                internal: false,
            });
        }
        let records = log.records();
        assert_eq!(records.len(), CAPACITY);
        assert_eq!(records[0].path, "/2");
    }
}
