//! Diagnostics: what the provider tells Terraform went wrong, and where.
//!
//! Owns [`Diagnostic`], [`Diagnostics`] and [`AttrPath`]. Every failure a user can cause ends
//! up here with a summary, a detail that says what to do, and (when it concerns one
//! attribute) the attribute's path, which Terraform uses to underline the configuration.
//!
//! Must not: carry secret values. Callers build details from names and ids only.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// One step of an attribute path: `.name`, `["key"]` or `[index]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PathStep {
    Attribute(String),
    Key(String),
    Index(i64),
}

/// Where in a configuration or state a diagnostic points.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AttrPath(pub Vec<PathStep>);

impl AttrPath {
    pub fn root() -> AttrPath {
        AttrPath(Vec::new())
    }
    /// A top-level attribute.
    pub fn attr(name: &str) -> AttrPath {
        AttrPath(vec![PathStep::Attribute(name.to_owned())])
    }
    pub fn then_attr(mut self, name: &str) -> AttrPath {
        self.0.push(PathStep::Attribute(name.to_owned()));
        self
    }
    pub fn then_index(mut self, i: i64) -> AttrPath {
        self.0.push(PathStep::Index(i));
        self
    }
    pub fn then_key(mut self, k: &str) -> AttrPath {
        self.0.push(PathStep::Key(k.to_owned()));
        self
    }
}

impl fmt::Display for AttrPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.0.iter().enumerate() {
            match step {
                PathStep::Attribute(a) if i == 0 => write!(f, "{a}")?,
                PathStep::Attribute(a) => write!(f, ".{a}")?,
                PathStep::Key(k) => write!(f, "[{k:?}]")?,
                PathStep::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub summary: String,
    pub detail: String,
    pub path: Option<AttrPath>,
}

impl Diagnostic {
    pub fn error(summary: impl Into<String>, detail: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            summary: summary.into(),
            detail: detail.into(),
            path: None,
        }
    }
    pub fn warning(summary: impl Into<String>, detail: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            summary: summary.into(),
            detail: detail.into(),
            path: None,
        }
    }
    pub fn at(mut self, path: AttrPath) -> Diagnostic {
        self.path = Some(path);
        self
    }
}

/// An ordered list of diagnostics. Any error among them means the operation failed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

/// Warnings an operation gives beside its result: a read that returns the object can still
/// warn about it. The engine appends them to the RPC's diagnostics.
#[derive(Default)]
pub struct Warnings(std::sync::Mutex<Vec<Diagnostic>>);

impl Warnings {
    pub fn warn(&self, d: Diagnostic) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).push(d);
    }

    /// Every warning given so far, leaving none.
    pub fn take(&self) -> Diagnostics {
        Diagnostics(std::mem::take(
            &mut *self.0.lock().unwrap_or_else(|e| e.into_inner()),
        ))
    }
}

impl Diagnostics {
    pub fn new() -> Diagnostics {
        Diagnostics(Vec::new())
    }
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }
    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }
    /// Only the errors among these.
    pub fn errors(self) -> Diagnostics {
        Diagnostics(
            self.0
                .into_iter()
                .filter(|d| d.severity == Severity::Error)
                .collect(),
        )
    }
    /// `Err(self)` when any is an error, else `Ok(self)` (warnings to pass on): for `?`.
    pub fn fail_on_errors(self) -> Result<Diagnostics, Diagnostics> {
        if self.has_errors() {
            Err(self)
        } else {
            Ok(self)
        }
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Diagnostics {
        Diagnostics(vec![d])
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            match &d.path {
                Some(p) => writeln!(f, "{:?}: {} ({}): {}", d.severity, d.summary, p, d.detail)?,
                None => writeln!(f, "{:?}: {}: {}", d.severity, d.summary, d.detail)?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_print_like_terraform_references() {
        let p = AttrPath::attr("timeouts").then_attr("create");
        assert_eq!(p.to_string(), "timeouts.create");
        assert_eq!(
            AttrPath::attr("secrets")
                .then_index(0)
                .then_attr("id")
                .to_string(),
            "secrets[0].id"
        );
        let mut ds = Diagnostics::new();
        ds.push(Diagnostic::warning("w", "d"));
        assert!(!ds.has_errors());
        ds.push(Diagnostic::error("e", "d").at(p));
        assert!(ds.has_errors());
    }
}
