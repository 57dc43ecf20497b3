//! The plan engine: Terraform's planning rules, written once for every resource.
//!
//! Owns the value-level rules that `PlanResourceChange` and `ApplyResourceChange` must obey:
//! - write-only attributes are null in every plan and state;
//! - optional + computed attributes left null in configuration take their default: the
//!   schema's, or one the resource knows only at run time (`Resource::run_time_defaults`),
//!   which applies where the prior state has no value; either is planned as a known value;
//! - computed attributes left null in configuration become unknown on create, on change and
//!   on replacement; `stable` ones keep their prior value on an in-place update, and
//!   `moved_by` ones keep it when none of the attributes that can move them changes;
//! - changes to `requires_replace` attributes are reported as replacement paths;
//! - unknowns a resource could not see (its model reads them as `None`) are restored;
//! - an apply result keeps the planned value of a `moved_by` attribute the plan kept;
//! - an apply result must keep every known planned value (the apply checker).
//!
//! Must not: call any API or hold resource-specific logic; resources shape plans only through
//! their `modify_plan` hook, and this module re-applies the rules afterwards.

use std::collections::BTreeMap;

use super::cty::Value;
use super::diagnostics::{AttrPath, Diagnostic, Diagnostics};
use super::schema::{AttrType, Attribute, Block, Nesting, Replace};

/// Set every write-only attribute (at any depth) to null.
pub fn null_write_only(block: &Block, v: &mut Value) {
    let Some(obj) = v.as_object_mut() else { return };
    for a in &block.attributes {
        if a.write_only {
            obj.insert(a.name.clone(), Value::Null);
        }
    }
    for nb in &block.blocks {
        if let Some(child) = obj.get_mut(&nb.name) {
            for_each_block_object(nb.nesting, child, |o| null_write_only(&nb.block, o));
        }
    }
}

fn for_each_block_object(nesting: Nesting, v: &mut Value, mut f: impl FnMut(&mut Value)) {
    match (nesting, v) {
        (Nesting::Single | Nesting::Group, o @ Value::Object(_)) => f(o),
        (_, Value::List(xs) | Value::Set(xs)) => xs.iter_mut().for_each(f),
        (_, Value::Map(m)) => m.values_mut().for_each(f),
        _ => {}
    }
}

/// True when any write-only attribute is set in `config`; returns the paths that are.
pub fn write_only_paths_set(block: &Block, config: &Value) -> Vec<AttrPath> {
    block
        .attributes
        .iter()
        .filter(|a| a.write_only && !config.attr(&a.name).is_null())
        .map(|a| AttrPath::attr(&a.name))
        .collect()
}

/// A value for an optional + computed attribute, known only at run time (see
/// `Resource::run_time_defaults`).
pub type RunTimeDefault = (&'static str, Value);

/// The run-time defaults that apply: to optional + computed attributes that the
/// configuration leaves null and `prior` has no value for.
fn applicable<'a>(
    block: &Block,
    prior: &Value,
    config: &Value,
    defaults: &'a [RunTimeDefault],
) -> Vec<&'a RunTimeDefault> {
    defaults
        .iter()
        .filter(|(name, _)| {
            block
                .attribute_named(name)
                .is_some_and(|a| a.optional && a.computed)
                && config.attr(name).is_null()
                && prior.attr(name).is_null()
        })
        .collect()
}

/// The first planning pass, before the resource's own hook: defaults (the schema's and the
/// run-time ones), write-only nulling and computed-unknown marking. `prior` is null on create.
pub fn propose(
    block: &Block,
    prior: &Value,
    proposed: &Value,
    config: &Value,
    defaults: &[RunTimeDefault],
) -> Value {
    let mut planned = proposed.clone();
    null_write_only(block, &mut planned);
    let run_time = applicable(block, prior, config, defaults);
    apply_defaults(block, config, &mut planned);
    restore_defaults(&mut planned, &run_time);
    let mut prior_known = prior.clone();
    null_write_only(block, &mut prior_known);
    let changing = prior.is_null() || planned != prior_known;
    if changing {
        mark_computed_unknown(block, prior, config, &mut planned, false);
        restore_defaults(&mut planned, &run_time);
    }
    planned
}

fn restore_defaults(planned: &mut Value, defaults: &[&RunTimeDefault]) {
    if let Some(obj) = planned.as_object_mut() {
        for (name, v) in defaults {
            obj.insert((*name).to_owned(), v.clone());
        }
    }
}

/// Set computed attributes that the configuration leaves null to unknown. With `replacing`,
/// even `stable` and `moved_by` ones: the replacement object will have new values.
/// Nested blocks and nested attributes included, at any depth.
fn mark_computed_unknown(
    block: &Block,
    prior: &Value,
    config: &Value,
    planned: &mut Value,
    replacing: bool,
) {
    // What the update changes, judged before any value here turns unknown.
    let proposed = planned.clone();
    let unmoved = |names: &[String]| {
        !prior.is_null() && names.iter().all(|n| prior.attr(n) == proposed.attr(n))
    };
    let Some(obj) = planned.as_object_mut() else {
        return;
    };
    for a in &block.attributes {
        let c = config.attr(&a.name);
        if a.computed && c.is_null() {
            if a.default.is_some() {
                continue;
            }
            let keep_prior = !replacing
                && ((a.stable && !prior.attr(&a.name).is_null())
                    || a.moved_by.as_deref().is_some_and(unmoved));
            let v = if keep_prior {
                prior.attr(&a.name).clone()
            } else {
                Value::Unknown
            };
            obj.insert(a.name.clone(), v);
        } else if let (AttrType::Nested(nesting, attrs), Some(child)) =
            (&a.ty, obj.get_mut(&a.name))
        {
            let inner = attributes_block(attrs);
            for_each_correlated(*nesting, child, prior.attr(&a.name), c, &mut |p, pr, cf| {
                mark_computed_unknown(&inner, pr, cf, p, replacing)
            });
        }
    }
    for nb in &block.blocks {
        if let Some(child) = obj.get_mut(&nb.name) {
            let (pr, cf) = (prior.attr(&nb.name), config.attr(&nb.name));
            for_each_correlated(nb.nesting, child, pr, cf, &mut |p, pr, cf| {
                mark_computed_unknown(&nb.block, pr, cf, p, replacing)
            });
        }
    }
}

/// Schema defaults for attributes the configuration leaves null, at any depth.
fn apply_defaults(block: &Block, config: &Value, planned: &mut Value) {
    let Some(obj) = planned.as_object_mut() else {
        return;
    };
    for a in &block.attributes {
        let c = config.attr(&a.name);
        if let Some(d) = &a.default
            && c.is_null()
        {
            obj.insert(a.name.clone(), d.clone());
        } else if let (AttrType::Nested(nesting, attrs), Some(child)) =
            (&a.ty, obj.get_mut(&a.name))
        {
            let inner = attributes_block(attrs);
            for_each_correlated(*nesting, child, &Value::Null, c, &mut |p, _, cf| {
                apply_defaults(&inner, cf, p)
            });
        }
    }
    for nb in &block.blocks {
        if let Some(child) = obj.get_mut(&nb.name) {
            let cf = config.attr(&nb.name);
            for_each_correlated(nb.nesting, child, &Value::Null, cf, &mut |p, _, cf| {
                apply_defaults(&nb.block, cf, p)
            });
        }
    }
}

/// The attributes of a nested attribute, as a block.
fn attributes_block(attrs: &[Attribute]) -> Block {
    Block {
        attributes: attrs.to_vec(),
        ..Block::default()
    }
}

/// Call `f` with each object of a nested value and its prior and configured counterparts:
/// list elements by index, map elements by key. Set elements cannot be matched to prior
/// ones (they have no position), so their prior counterpart is null.
fn for_each_correlated(
    nesting: Nesting,
    planned: &mut Value,
    prior: &Value,
    config: &Value,
    f: &mut dyn FnMut(&mut Value, &Value, &Value),
) {
    static NULL: Value = Value::Null;
    let elems = |v: &Value| match v {
        Value::List(xs) | Value::Set(xs) => xs.clone(),
        _ => Vec::new(),
    };
    match (nesting, planned) {
        (Nesting::Single | Nesting::Group, p @ Value::Object(_)) => f(p, prior, config),
        (Nesting::List, Value::List(xs)) => {
            let (prs, cfs) = (elems(prior), elems(config));
            for (i, x) in xs.iter_mut().enumerate() {
                f(x, prs.get(i).unwrap_or(&NULL), cfs.get(i).unwrap_or(&NULL));
            }
        }
        (Nesting::Set, Value::Set(xs)) => {
            let cfs = elems(config);
            for (i, x) in xs.iter_mut().enumerate() {
                f(x, &NULL, cfs.get(i).unwrap_or(&NULL));
            }
        }
        (Nesting::Map, Value::Map(m)) => {
            for (k, x) in m.iter_mut() {
                let pr = match prior {
                    Value::Map(pm) => pm.get(k).unwrap_or(&NULL),
                    _ => &NULL,
                };
                let cf = match config {
                    Value::Map(cm) => cm.get(k).unwrap_or(&NULL),
                    _ => &NULL,
                };
                f(x, pr, cf);
            }
        }
        _ => {}
    }
}

/// Plan the named computed attributes as unknown: the resource decided at plan time that
/// apply gives them new values. Naming an attribute that is not computed, or that the
/// configuration sets, is a provider bug.
pub fn mark_known_after_apply(
    block: &Block,
    type_name: &str,
    config: &Value,
    planned: &mut Value,
    names: &[&str],
) -> Result<(), Diagnostics> {
    for name in names {
        let qualifies = block
            .attribute_named(name)
            .is_some_and(|a| a.computed && config.attr(name).is_null());
        if !qualifies {
            return Err(Diagnostic::error(
                format!("Provider bug in {type_name}: cannot plan `{name}` as unknown"),
                "\
                Only computed attributes that the configuration leaves unset can be planned as \
                known after apply. Please report this to the provider's maintainers.",
            )
            .at(AttrPath::attr(name))
            .into());
        }
        if let Some(obj) = planned.as_object_mut() {
            obj.insert((*name).to_owned(), Value::Unknown);
        }
    }
    Ok(())
}

/// The second pass, after the resource's hook: restore unknowns the hook could not see,
/// re-null write-only values, work out replacement paths and, when replacing, make computed
/// values unknown. Returns the planned value and the paths that force replacement.
pub fn finish(
    block: &Block,
    prior: &Value,
    config: &Value,
    before_hook: &Value,
    mut planned: Value,
    defaults: &[RunTimeDefault],
) -> (Value, Vec<AttrPath>) {
    restore_unknowns(before_hook, &mut planned);
    null_write_only(block, &mut planned);
    if prior.is_null() || planned.is_null() {
        return (planned, Vec::new());
    }
    let mut replace: Vec<AttrPath> = block
        .attributes
        .iter()
        .filter(|a| {
            let (before, after) = (prior.attr(&a.name), planned.attr(&a.name));
            !a.write_only
                && before != after
                && match a.replace {
                    Replace::Never => false,
                    Replace::OnChange => true,
                    Replace::OnChangeOfSetValue => !before.is_null(),
                }
        })
        .map(|a| AttrPath::attr(&a.name))
        .collect();
    if !replace.is_empty() {
        // The replacement is a new object: its computed values are unknown, except those a
        // default decides, as on create.
        mark_computed_unknown(block, prior, config, &mut planned, true);
        let fresh = applicable(block, &Value::Null, config, defaults);
        restore_defaults(&mut planned, &fresh);
        // Terraform ignores a path whose final planned value equals the prior one; so do we.
        replace.retain(|p| {
            let name = p.to_string();
            prior.attr(&name) != planned.attr(&name)
        });
    }
    (planned, replace)
}

/// Where `before` was unknown and `after` is null, put the unknown back.
fn restore_unknowns(before: &Value, after: &mut Value) {
    match (before, after) {
        (Value::Unknown, a @ Value::Null) => *a = Value::Unknown,
        (Value::Object(b), Value::Object(a)) | (Value::Map(b), Value::Map(a)) => {
            for (k, bv) in b {
                if let Some(av) = a.get_mut(k) {
                    restore_unknowns(bv, av);
                }
            }
        }
        (Value::List(b), Value::List(a))
        | (Value::Set(b), Value::Set(a))
        | (Value::Tuple(b), Value::Tuple(a))
            if b.len() == a.len() =>
        {
            for (bv, av) in b.iter().zip(a.iter_mut()) {
                restore_unknowns(bv, av);
            }
        }
        _ => {}
    }
}

/// After apply: a `moved_by` attribute whose plan kept a known value keeps that value. Such a
/// value can also move outside Terraform at any time (a balance moves as the account spends),
/// between plan and apply too; the apply result says what was planned, and the next refresh
/// reads the new value, instead of Terraform refusing the result as inconsistent.
pub fn keep_planned_unmoved(block: &Block, planned: &Value, new: &mut Value) {
    let Some(obj) = new.as_object_mut() else {
        return;
    };
    for a in block.attributes.iter().filter(|a| a.moved_by.is_some()) {
        let kept = planned.attr(&a.name);
        if kept.is_wholly_known() {
            obj.insert(a.name.clone(), kept.clone());
        }
    }
}

/// The apply checker: the diagnostics Terraform would turn into "Provider produced
/// inconsistent result after apply", raised by us first with a clear explanation.
pub fn check_apply_result(
    block: &Block,
    type_name: &str,
    planned: &Value,
    new: &Value,
) -> Diagnostics {
    let mut diags = Diagnostics::new();
    if planned.is_null() {
        if !new.is_null() {
            diags.push(provider_bug(
                type_name,
                AttrPath::root(),
                "a deleted object must have no state",
            ));
        }
        return diags;
    }
    if new.is_null() {
        diags.push(provider_bug(
            type_name,
            AttrPath::root(),
            "the object vanished during apply",
        ));
        return diags;
    }
    compare(
        block,
        type_name,
        planned,
        new,
        &AttrPath::root(),
        &mut diags,
    );
    diags
}

fn compare(
    block: &Block,
    type_name: &str,
    planned: &Value,
    new: &Value,
    at: &AttrPath,
    diags: &mut Diagnostics,
) {
    for a in &block.attributes {
        let path = at.clone().then_attr(&a.name);
        let (p, n) = (planned.attr(&a.name), new.attr(&a.name));
        if a.write_only && !n.is_null() {
            diags.push(provider_bug(
                type_name,
                path,
                "a write-only attribute was stored in state",
            ));
        } else if !n.is_wholly_known() {
            diags.push(provider_bug(
                type_name,
                path,
                "the value is still unknown after apply",
            ));
        } else if let AttrType::Nested(..) = a.ty {
            if p.is_wholly_known() && p != n {
                diags.push(provider_bug(
                    type_name,
                    path,
                    "the value differs from the planned one",
                ));
            }
        } else if !p.is_unknown() && p != n {
            diags.push(provider_bug(
                type_name,
                path,
                "the value differs from the planned one",
            ));
        }
    }
    for nb in &block.blocks {
        let path = at.clone().then_attr(&nb.name);
        let (p, n) = (planned.attr(&nb.name), new.attr(&nb.name));
        match nb.nesting {
            Nesting::Single | Nesting::Group if !p.is_null() && !n.is_null() => {
                compare(&nb.block, type_name, p, n, &path, diags)
            }
            _ if p.is_wholly_known() && p != n => diags.push(provider_bug(
                type_name,
                path,
                "the block differs from the planned one",
            )),
            _ => {}
        }
    }
}

fn provider_bug(type_name: &str, path: AttrPath, what: &str) -> Diagnostic {
    Diagnostic::error(
        format!("Provider bug in {type_name}: inconsistent result after apply"),
        format!(
            "\
            At `{path}`: {what}. Terraform would reject this result. Please report it to the \
            provider's maintainers with the output of a run with TF_LOG=debug."
        ),
    )
    .at(path)
}

/// Convenience for tests and resources: an object value from pairs.
pub fn object(pairs: impl IntoIterator<Item = (&'static str, Value)>) -> Value {
    Value::Object(
        pairs
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect::<BTreeMap<_, _>>(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::schema::{Attribute, timeouts_block};

    fn block() -> Block {
        Block::new("t")
            .attribute(Attribute::string("id").computed().stable())
            .attribute(Attribute::string("name").required())
            .attribute(Attribute::string("zone").optional().requires_replace())
            .attribute(
                Attribute::number("version")
                    .optional()
                    .requires_replace_once_set(),
            )
            .attribute(Attribute::string("secret_wo").optional().write_only())
            .attribute(Attribute::string("etag").computed())
            .attribute(Attribute::string("owner").optional().computed().stable())
            .attribute(Attribute::string("tier").optional())
            .attribute(Attribute::number("quota").computed().moved_by(&["tier"]))
            .attribute(Attribute::number("ceiling").computed().moved_by(&[]))
            .attribute(
                Attribute::bool("enabled")
                    .optional()
                    .computed()
                    .default(Value::Bool(true)),
            )
            .block(timeouts_block())
    }

    fn s(x: &str) -> Value {
        Value::string(x)
    }

    /// A value of the test block's type, as Terraform would send it (every key present).
    fn obj(pairs: impl IntoIterator<Item = (&'static str, Value)>) -> Value {
        object(pairs).conform(&block().value_type()).unwrap()
    }

    #[test]
    fn create_marks_computed_unknown_nulls_write_only_and_applies_defaults() {
        let b = block();
        let config = obj([("name", s("a")), ("secret_wo", s("Hunter22"))]);
        let proposed = config.clone();
        let planned = propose(&b, &Value::Null, &proposed, &config, &[]);
        assert_eq!(planned.attr("id"), &Value::Unknown);
        assert_eq!(planned.attr("etag"), &Value::Unknown);
        assert_eq!(planned.attr("secret_wo"), &Value::Null);
        assert_eq!(planned.attr("enabled"), &Value::Bool(true));
        assert_eq!(planned.attr("name"), &s("a"));
    }

    #[test]
    fn an_unchanged_object_plans_exactly_its_prior_state() {
        let b = block();
        let prior = obj([
            ("id", s("1")),
            ("name", s("a")),
            ("etag", s("e1")),
            ("enabled", Value::Bool(true)),
        ]);
        let config = obj([("name", s("a")), ("secret_wo", s("Hunter22"))]);
        // Terraform's proposed value: config, with prior values for computed nulls.
        let proposed = obj([
            ("id", s("1")),
            ("name", s("a")),
            ("etag", s("e1")),
            ("secret_wo", s("Hunter22")),
            ("enabled", Value::Bool(true)),
        ]);
        let planned = propose(&b, &prior, &proposed, &config, &[]);
        let (planned, replace) = finish(&b, &prior, &config, &planned, planned.clone(), &[]);
        assert_eq!(planned, prior);
        assert!(replace.is_empty());
    }

    #[test]
    fn an_update_keeps_stable_values_and_recomputes_the_rest() {
        let b = block();
        let prior = obj([("id", s("1")), ("name", s("a")), ("etag", s("e1"))]);
        let config = obj([("name", s("b"))]);
        let proposed = obj([("id", s("1")), ("name", s("b")), ("etag", s("e1"))]);
        let planned = propose(&b, &prior, &proposed, &config, &[]);
        assert_eq!(planned.attr("id"), &s("1"));
        assert_eq!(planned.attr("etag"), &Value::Unknown);
    }

    #[test]
    fn moved_by_values_keep_their_prior_value_unless_a_mover_changes() {
        let b = block();
        let n = |i: i64| Value::Number(i.into());
        let prior = obj([
            ("id", s("1")),
            ("name", s("a")),
            ("tier", s("free")),
            ("ceiling", n(30)),
        ]);
        // A rename: nothing that moves `quota` or `ceiling` changes, so both keep their prior
        // value, a null one included.
        let config = obj([("name", s("b")), ("tier", s("free"))]);
        let proposed = obj([
            ("id", s("1")),
            ("name", s("b")),
            ("tier", s("free")),
            ("ceiling", n(30)),
        ]);
        let planned = propose(&b, &prior, &proposed, &config, &[]);
        assert_eq!(planned.attr("quota"), &Value::Null);
        assert_eq!(planned.attr("ceiling"), &n(30));
        assert_eq!(planned.attr("etag"), &Value::Unknown);
        // A tier change moves the quota, and only the quota.
        let config = obj([("name", s("a")), ("tier", s("paid"))]);
        let proposed = obj([
            ("id", s("1")),
            ("name", s("a")),
            ("tier", s("paid")),
            ("ceiling", n(30)),
        ]);
        let planned = propose(&b, &prior, &proposed, &config, &[]);
        assert_eq!(planned.attr("quota"), &Value::Unknown);
        assert_eq!(planned.attr("ceiling"), &n(30));
        // On create there is no prior value to keep.
        let planned = propose(&b, &Value::Null, &config, &config, &[]);
        assert_eq!(planned.attr("quota"), &Value::Unknown);
        assert_eq!(planned.attr("ceiling"), &Value::Unknown);
    }

    #[test]
    fn an_apply_keeps_the_planned_value_of_an_unmoved_attribute() {
        let b = block();
        let n = |i: i64| Value::Number(i.into());
        let planned = obj([
            ("name", s("a")),
            ("ceiling", n(30)),
            ("quota", Value::Unknown),
        ]);
        // Between plan and apply the ceiling moved outside Terraform; the quota was moved.
        let mut new = obj([("name", s("a")), ("ceiling", n(40)), ("quota", n(5))]);
        keep_planned_unmoved(&b, &planned, &mut new);
        assert_eq!(new.attr("ceiling"), &n(30));
        assert_eq!(new.attr("quota"), &n(5));
        assert!(check_apply_result(&b, "t", &planned, &new).is_empty());
    }

    #[test]
    fn requires_replace_reports_the_path_and_unknowns_even_stable_values() {
        let b = block();
        let ceiling = ("ceiling", Value::Number(30.into()));
        let prior = obj([
            ("id", s("1")),
            ("name", s("a")),
            ("zone", s("x")),
            ceiling.clone(),
        ]);
        let config = obj([("name", s("a")), ("zone", s("y"))]);
        let proposed = obj([("id", s("1")), ("name", s("a")), ("zone", s("y")), ceiling]);
        let first = propose(&b, &prior, &proposed, &config, &[]);
        let (planned, replace) = finish(&b, &prior, &config, &first, first.clone(), &[]);
        assert_eq!(replace, vec![AttrPath::attr("zone")]);
        assert_eq!(planned.attr("id"), &Value::Unknown);
        assert_eq!(planned.attr("ceiling"), &Value::Unknown);
    }

    #[test]
    fn setting_a_replace_once_set_attribute_for_the_first_time_updates_in_place() {
        let b = block();
        let prior = obj([("id", s("1")), ("name", s("a"))]);
        let config = obj([("name", s("a")), ("version", Value::Number(1.into()))]);
        let proposed = obj([
            ("id", s("1")),
            ("name", s("a")),
            ("version", Value::Number(1.into())),
        ]);
        let first = propose(&b, &prior, &proposed, &config, &[]);
        let (planned, replace) = finish(&b, &prior, &config, &first, first.clone(), &[]);
        assert!(replace.is_empty());
        assert_eq!(planned.attr("id"), &s("1"));
        // Once recorded, a change replaces.
        let prior = planned;
        let config = obj([("name", s("a")), ("version", Value::Number(2.into()))]);
        let proposed = obj([
            ("id", s("1")),
            ("name", s("a")),
            ("version", Value::Number(2.into())),
        ]);
        let first = propose(&b, &prior, &proposed, &config, &[]);
        let (_, replace) = finish(&b, &prior, &config, &first, first.clone(), &[]);
        assert_eq!(replace, vec![AttrPath::attr("version")]);
    }

    #[test]
    fn a_run_time_default_is_planned_known_on_create_and_never_moves_an_existing_object() {
        let b = block();
        let defaults = [("owner", s("me"))];
        let config = obj([("name", s("a"))]);
        let planned = propose(&b, &Value::Null, &config, &config, &defaults);
        assert_eq!(planned.attr("owner"), &s("me"), "known at plan time");
        assert_eq!(planned.attr("etag"), &Value::Unknown);

        // An existing object keeps its value, even when the default would now differ.
        let prior = obj([("id", s("1")), ("name", s("a")), ("owner", s("them"))]);
        let config = obj([("name", s("b"))]);
        let proposed = obj([("id", s("1")), ("name", s("b")), ("owner", s("them"))]);
        let first = propose(&b, &prior, &proposed, &config, &defaults);
        let (planned, replace) = finish(&b, &prior, &config, &first, first.clone(), &defaults);
        assert_eq!(planned.attr("owner"), &s("them"));
        assert!(replace.is_empty());

        // A configured value wins; a replacement plans the default again for the new object.
        let config = obj([("name", s("a")), ("zone", s("y"))]);
        let prior = obj([
            ("id", s("1")),
            ("name", s("a")),
            ("zone", s("x")),
            ("owner", s("me")),
        ]);
        let proposed = obj([
            ("id", s("1")),
            ("name", s("a")),
            ("zone", s("y")),
            ("owner", s("me")),
        ]);
        let first = propose(&b, &prior, &proposed, &config, &defaults);
        let (planned, replace) = finish(&b, &prior, &config, &first, first.clone(), &defaults);
        assert_eq!(replace, vec![AttrPath::attr("zone")]);
        assert_eq!(planned.attr("owner"), &s("me"));
        assert_eq!(planned.attr("id"), &Value::Unknown);
        let configured = obj([("name", s("a")), ("owner", s("set"))]);
        let planned = propose(&b, &Value::Null, &configured, &configured, &defaults);
        assert_eq!(planned.attr("owner"), &s("set"));
    }

    #[test]
    fn a_resource_can_plan_a_computed_value_as_known_after_apply() {
        let b = block();
        let config = obj([("name", s("a"))]);
        let mut planned = obj([("id", s("1")), ("name", s("a")), ("etag", s("e1"))]);
        mark_known_after_apply(&b, "t", &config, &mut planned, &["etag"]).unwrap();
        assert_eq!(planned.attr("etag"), &Value::Unknown);
        assert_eq!(planned.attr("id"), &s("1"));
        // Not computed, or set in configuration: refused, nothing changed.
        for bad in ["name", "zone"] {
            let before = planned.clone();
            let d = mark_known_after_apply(&b, "t", &config, &mut planned, &[bad]).unwrap_err();
            assert!(d.has_errors() && planned == before, "{bad}");
        }
    }

    #[test]
    fn unknowns_hidden_from_the_hook_are_restored() {
        let b = block();
        let before = obj([("name", Value::Unknown), ("id", Value::Unknown)]);
        let after = obj([("name", Value::Null), ("id", s("set-by-hook"))]);
        let (planned, _) = finish(&b, &Value::Null, &before, &before, after, &[]);
        assert_eq!(planned.attr("name"), &Value::Unknown);
        assert_eq!(planned.attr("id"), &s("set-by-hook"));
    }

    #[test]
    fn the_apply_checker_names_the_inconsistent_attribute() {
        let b = block();
        let planned = obj([("id", Value::Unknown), ("name", s("a"))]);
        let ok = obj([("id", s("1")), ("name", s("a"))]);
        assert!(check_apply_result(&b, "t", &planned, &ok).is_empty());
        let bad = obj([("id", s("1")), ("name", s("b")), ("secret_wo", s("x"))]);
        let diags = check_apply_result(&b, "t", &planned, &bad);
        let paths: Vec<String> = diags
            .iter()
            .map(|d| d.path.as_ref().unwrap().to_string())
            .collect();
        assert_eq!(paths, ["name", "secret_wo"]);
        let unknown = obj([("id", Value::Unknown), ("name", s("a"))]);
        assert!(check_apply_result(&b, "t", &planned, &unknown).has_errors());
    }
}
