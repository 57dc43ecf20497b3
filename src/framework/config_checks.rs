//! The schema's own checks of configuration values, made once by the engine for every
//! resource, data source, ephemeral resource and the provider block:
//! - a read-only (computed, neither optional nor required) attribute set in configuration
//!   is refused, as terraform-plugin-framework refuses it ("Invalid Configuration for
//!   Read-Only Attribute"): Terraform leaves this check to providers. Nested attributes and
//!   nested blocks included;
//! - an `int64` attribute must hold a whole number within its range;
//! - a `non_empty` attribute must not be `""`;
//! - a `path_segment` attribute must not be `.` or `..` (nor `%2e`, `.%2e`, `%2e.`, `%2e%2e`):
//!   a URL path reads them as steps, so the value would drop out of the path instead of naming
//!   something. They are refused, not escaped, since a server may decode `%2e` itself.
//!
//! Values not yet known are left alone here; the engine runs these checks again at plan and
//! apply time, when more is known.
//!
//! Must not: echo the value of a sensitive or write-only attribute.

use super::cty::Value;
use super::diagnostics::{AttrPath, Diagnostic, Diagnostics};
use super::schema::{AttrType, Attribute, Block, Nesting};

/// Every schema rule that `config` breaks, each at its attribute's path.
pub fn check(block: &Block, config: &Value) -> Diagnostics {
    let mut diags = Diagnostics::new();
    check_block(block, config, &AttrPath::root(), &mut diags);
    diags
}

fn check_block(block: &Block, v: &Value, at: &AttrPath, diags: &mut Diagnostics) {
    if !matches!(v, Value::Object(_)) {
        return;
    }
    for a in &block.attributes {
        check_attribute(a, v.attr(&a.name), &at.clone().then_attr(&a.name), diags);
    }
    for nb in &block.blocks {
        let path = at.clone().then_attr(&nb.name);
        for_each_element(nb.nesting, v.attr(&nb.name), &path, &mut |o, p| {
            check_block(&nb.block, o, p, diags)
        });
    }
}

/// Call `f` with every object of a nested block or nested attribute value, and its path.
/// Set elements have no path of their own; they are reported at the set's.
fn for_each_element(
    nesting: Nesting,
    v: &Value,
    at: &AttrPath,
    f: &mut dyn FnMut(&Value, &AttrPath),
) {
    match (nesting, v) {
        (Nesting::Single | Nesting::Group, o) => f(o, at),
        (Nesting::List, Value::List(xs)) => {
            for (i, x) in xs.iter().enumerate() {
                f(x, &at.clone().then_index(i as i64));
            }
        }
        (Nesting::Set, Value::Set(xs)) => xs.iter().for_each(|x| f(x, at)),
        (Nesting::Map, Value::Map(m)) => {
            for (k, x) in m {
                f(x, &at.clone().then_key(k));
            }
        }
        _ => {}
    }
}

fn check_attribute(a: &Attribute, v: &Value, path: &AttrPath, diags: &mut Diagnostics) {
    if v.is_null() {
        return;
    }
    if a.computed && !a.optional && !a.required {
        diags.push(read_only(path));
        return;
    }
    match (&a.ty, v) {
        (_, Value::Unknown) => {}
        (AttrType::Nested(nesting, attrs), v) => {
            for_each_element(*nesting, v, path, &mut |o, p| {
                if matches!(o, Value::Object(_)) {
                    for na in attrs {
                        check_attribute(
                            na,
                            o.attr(&na.name),
                            &p.clone().then_attr(&na.name),
                            diags,
                        );
                    }
                }
            });
        }
        (AttrType::Primitive(_), Value::String(s)) if a.non_empty && s.is_empty() => {
            diags.push(empty(a, path));
        }
        (AttrType::Primitive(_), Value::String(s)) if a.path_segment && is_dot_segment(s) => {
            diags.push(dot_segment(path));
        }
        (AttrType::Primitive(_), Value::Number(n)) => {
            if let Some(range) = a.integer {
                let shown = if a.sensitive || a.write_only {
                    String::new()
                } else {
                    format!("; it is {n}")
                };
                let fits = n.as_i64().filter(|i| (range.min..=range.max).contains(i));
                if !n.is_whole() {
                    diags.push(
                        Diagnostic::error(
                            "Not a whole number",
                            format!("`{path}` takes a whole number{}{shown}.", bounds(range)),
                        )
                        .at(path.clone()),
                    );
                } else if fits.is_none() {
                    diags.push(
                        Diagnostic::error(
                            "Value out of range",
                            format!("`{path}` must be a whole number{}{shown}.", bounds(range)),
                        )
                        .at(path.clone()),
                    );
                }
            }
        }
        _ => {}
    }
}

fn bounds(range: super::schema::IntRange) -> String {
    match (range.min, range.max) {
        (i64::MIN, i64::MAX) => " that fits in 64 bits".into(),
        (min, i64::MAX) => format!(" of at least {min}"),
        (i64::MIN, max) => format!(" of at most {max}"),
        (min, max) => format!(" from {min} to {max}"),
    }
}

fn read_only(path: &AttrPath) -> Diagnostic {
    Diagnostic::error(
        "Invalid Configuration for Read-Only Attribute",
        format!(
            "\
            `{path}` is read-only: the provider sets it, and it cannot be configured. Remove it \
            from the configuration; to use its value, refer to it from elsewhere instead."
        ),
    )
    .at(path.clone())
}

/// Whether `segment` is a dot segment of a URL path: `.` or `..`, each dot possibly written
/// `%2e` (either case), as the URL standard reads them.
pub fn is_dot_segment(segment: &str) -> bool {
    let lower = segment.to_ascii_lowercase();
    let dots = lower.replace("%2e", ".");
    dots == "." || dots == ".."
}

fn dot_segment(path: &AttrPath) -> Diagnostic {
    Diagnostic::error(
        "Not a usable name",
        format!(
            "\
            `{path}` goes into the API's URL paths, where `.` and `..` (also written `%2e`) are \
            steps up or across the path, not names: the request would reach another address. \
            Give the real value, such as an API key like `abcd1234`."
        ),
    )
    .at(path.clone())
}

fn empty(a: &Attribute, path: &AttrPath) -> Diagnostic {
    let or_leave_out = if a.optional {
        ", or leave the argument out"
    } else {
        ""
    };
    Diagnostic::error(
        "Empty string not allowed",
        format!("`{path}` cannot be an empty string. Give a value{or_leave_out}."),
    )
    .at(path.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::cty::Number;
    use crate::framework::plan::object;
    use crate::framework::schema::{NestedBlock, timeouts_block};

    fn block() -> Block {
        Block::new("t")
            .attribute(Attribute::string("id").computed())
            .attribute(Attribute::string("name").required().non_empty())
            .attribute(Attribute::string("label").optional().computed().non_empty())
            .attribute(Attribute::string("key").optional().path_segment())
            .attribute(Attribute::int64("length").optional().between(8, 25))
            .attribute(Attribute::int64("version").optional())
            .attribute(Attribute::int64("pin").optional().sensitive())
            .attribute(Attribute::nested(
                "items",
                Nesting::List,
                vec![
                    Attribute::string("key").required(),
                    Attribute::string("made_at").computed(),
                ],
            ))
            .block(NestedBlock::new(
                "rule",
                Nesting::Single,
                Block::new("r").attribute(Attribute::string("etag").computed()),
            ))
            .block(timeouts_block())
    }

    fn num(s: &str) -> Value {
        Value::Number(s.parse::<Number>().unwrap())
    }

    fn paths(config: Value) -> Vec<(String, String)> {
        let config = config.conform(&block().value_type()).unwrap();
        check(&block(), &config)
            .iter()
            .map(|d| (d.path.as_ref().unwrap().to_string(), d.summary.clone()))
            .collect()
    }

    #[test]
    fn a_valid_configuration_passes() {
        let ok = object([
            ("name", Value::string("a")),
            ("length", num("8")),
            ("version", num("1e3")),
            (
                "items",
                Value::List(vec![object([("key", Value::string("k"))])]),
            ),
        ]);
        assert_eq!(paths(ok), []);
    }

    #[test]
    fn a_path_segment_is_never_a_dot_segment_however_written() {
        for dots in [".", "..", "%2e", "%2E", ".%2e", "%2e.", "%2E%2e"] {
            let config = object([("name", Value::string("a")), ("key", Value::string(dots))]);
            assert_eq!(
                paths(config),
                [("key".to_string(), "Not a usable name".to_string())],
                "{dots}"
            );
        }
        for fine in ["abcd1234", "...", ".a", "%2", "a.b", "%2e%2e%2e"] {
            assert!(!is_dot_segment(fine), "{fine}");
        }
    }

    #[test]
    fn read_only_attributes_are_refused_at_any_depth() {
        let config = object([
            ("id", Value::string("x")),
            ("name", Value::string("a")),
            (
                "items",
                Value::List(vec![
                    object([("key", Value::string("k"))]),
                    object([("key", Value::string("k")), ("made_at", Value::Unknown)]),
                ]),
            ),
            ("rule", object([("etag", Value::string("e"))])),
        ]);
        let read_only = "Invalid Configuration for Read-Only Attribute".to_string();
        assert_eq!(
            paths(config),
            [
                ("id".to_string(), read_only.clone()),
                ("items[1].made_at".to_string(), read_only.clone()),
                ("rule.etag".to_string(), read_only),
            ]
        );
    }

    #[test]
    fn whole_numbers_and_ranges_are_checked_at_the_attribute() {
        let config = object([
            ("name", Value::string("a")),
            ("length", num("8.5")),
            ("version", num("1e30")),
        ]);
        assert_eq!(
            paths(config),
            [
                ("length".to_string(), "Not a whole number".to_string()),
                ("version".to_string(), "Value out of range".to_string()),
            ]
        );
        let config = object([("name", Value::string("a")), ("length", num("30"))])
            .conform(&block().value_type())
            .unwrap();
        let d = &check(&block(), &config).0[0];
        assert_eq!(
            d.detail,
            "`length` must be a whole number from 8 to 25; it is 30."
        );
        let secret = object([("name", Value::string("a")), ("pin", num("1234.5"))])
            .conform(&block().value_type())
            .unwrap();
        let d = &check(&block(), &secret).0[0];
        assert!(!d.detail.contains("1234"), "{}", d.detail);
    }

    #[test]
    fn empty_strings_are_refused_where_the_schema_says_so_and_unknowns_wait() {
        let config = object([("name", Value::string("")), ("label", Value::string(""))]);
        let found = paths(config);
        assert_eq!(found.len(), 2);
        assert!(found.iter().all(|(_, s)| s == "Empty string not allowed"));
        let unknown = object([
            ("name", Value::Unknown),
            ("length", Value::Unknown),
            ("items", Value::Unknown),
        ]);
        assert_eq!(paths(unknown), []);
    }
}
