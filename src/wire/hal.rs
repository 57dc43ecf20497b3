//! HAL link objects (`_links.self.href`); hrefs are host-less paths.
//!
//! Must not: hold logic; these are bodies as the API sends and receives them.

use serde::{Deserialize, Serialize};

/// One HAL link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    pub href: String,
}

/// `_links` holding only `self`, the only relation these APIs use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelfLinks {
    #[serde(rename = "self")]
    pub self_link: Link,
}
