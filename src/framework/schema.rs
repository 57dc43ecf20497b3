//! Schemas: the attributes and blocks of a provider, resource or data source.
//!
//! Owns the schema model and its builder. The flags here drive the plan engine
//! (`framework::plan`): `computed` attributes turn unknown when Terraform must wait for them,
//! `write_only` ones never reach plan or state, `requires_replace` ones force a new object,
//! `stable` ones keep their prior value on update, and `moved_by` ones keep it unless one of the
//! attributes that can move them changes. Descriptions are markdown and feed both
//! Terraform (`GetProviderSchema`) and our generated docs.
//!
//! Must not: know about protobuf (`tfplugin::convert` maps it) or about any one resource.

use super::cty::{Type, Value};
use super::diagnostics::{AttrPath, Diagnostic, Diagnostics};

/// How a nested block or nested attribute repeats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nesting {
    Single,
    List,
    Set,
    Map,
    /// Always present (filled with nulls when absent); blocks only.
    Group,
}

/// When a change to an attribute forces a new object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Replace {
    Never,
    OnChange,
    OnChangeOfSetValue,
}

#[derive(Clone, Debug, PartialEq)]
pub enum AttrType {
    Primitive(Type),
    /// Nested attributes (`Schema.Object` on the wire).
    Nested(Nesting, Vec<Attribute>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Attribute {
    pub name: String,
    pub ty: AttrType,
    pub description: String,
    pub required: bool,
    pub optional: bool,
    pub computed: bool,
    pub sensitive: bool,
    pub write_only: bool,
    /// A deprecation message; empty when the attribute is current.
    pub deprecated: String,
    /// When a change to this attribute replaces the object.
    pub replace: Replace,
    /// Computed, and never changes once set: updates plan the prior value, not unknown.
    pub stable: bool,
    /// Computed, and moved only by changes to these attributes (by name, same block): an
    /// in-place update that changes none of them plans the prior value (null included), not
    /// unknown. `None`: any change may move it.
    pub moved_by: Option<Vec<String>>,
    /// Planned when the configuration leaves this (optional + computed) attribute null.
    pub default: Option<Value>,
    /// For a write-only attribute: the attribute Terraform before 1.11 should use instead.
    pub write_only_fallback: String,
    /// A number attribute that holds a count, a length or a version: a fraction or an
    /// infinity in the configuration is refused at its path (see [`config_problems`]).
    pub whole_number: bool,
    /// A string attribute for which `""` is never meant (an account key): refused at its path.
    pub non_empty: bool,
}

impl Attribute {
    fn new(name: &str, ty: AttrType) -> Attribute {
        Attribute {
            name: name.to_owned(),
            ty,
            description: String::new(),
            required: false,
            optional: false,
            computed: false,
            sensitive: false,
            write_only: false,
            deprecated: String::new(),
            replace: Replace::Never,
            stable: false,
            moved_by: None,
            default: None,
            write_only_fallback: String::new(),
            whole_number: false,
            non_empty: false,
        }
    }
    pub fn string(name: &str) -> Attribute {
        Attribute::new(name, AttrType::Primitive(Type::String))
    }
    pub fn number(name: &str) -> Attribute {
        Attribute::new(name, AttrType::Primitive(Type::Number))
    }
    pub fn bool(name: &str) -> Attribute {
        Attribute::new(name, AttrType::Primitive(Type::Bool))
    }
    pub fn of_type(name: &str, ty: Type) -> Attribute {
        Attribute::new(name, AttrType::Primitive(ty))
    }
    pub fn nested(name: &str, nesting: Nesting, attributes: Vec<Attribute>) -> Attribute {
        Attribute::new(name, AttrType::Nested(nesting, attributes))
    }
    pub fn description(mut self, markdown: &str) -> Self {
        self.description = markdown.to_owned();
        self
    }
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }
    pub fn optional(mut self) -> Self {
        self.optional = true;
        self
    }
    pub fn computed(mut self) -> Self {
        self.computed = true;
        self
    }
    pub fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }
    /// Write-only (Terraform 1.11+): accepted in configuration, never stored in plan or state.
    pub fn write_only(mut self) -> Self {
        self.write_only = true;
        self
    }
    /// Name the attribute that older Terraform (without write-only support) should use.
    pub fn write_only_fallback(mut self, attribute: &str) -> Self {
        self.write_only_fallback = attribute.to_owned();
        self
    }
    pub fn deprecated(mut self, message: &str) -> Self {
        self.deprecated = message.to_owned();
        self
    }
    /// Any change to this attribute replaces the object.
    pub fn requires_replace(mut self) -> Self {
        self.replace = Replace::OnChange;
        self
    }
    /// A change replaces the object, except setting it for the first time (null in state, for
    /// example after an import), which is an in-place update that only records the value.
    pub fn requires_replace_once_set(mut self) -> Self {
        self.replace = Replace::OnChangeOfSetValue;
        self
    }
    pub fn stable(mut self) -> Self {
        self.stable = true;
        self
    }
    /// Only a change to one of `attributes` can move this computed value; every other update
    /// plans its prior value. `&[]`: no change the resource makes moves it (it may still drift,
    /// which a refresh shows).
    pub fn moved_by(mut self, attributes: &[&str]) -> Self {
        self.moved_by = Some(attributes.iter().map(|a| (*a).to_owned()).collect());
        self
    }
    pub fn default(mut self, v: Value) -> Self {
        self.default = Some(v);
        self
    }
    /// Only whole numbers fit (a count, a length, a version); Terraform has one number type.
    pub fn whole_number(mut self) -> Self {
        self.whole_number = true;
        self
    }
    /// `""` is a mistake here (an unset variable), never a value: leave the attribute out instead.
    pub fn non_empty(mut self) -> Self {
        self.non_empty = true;
        self
    }

    /// The cty type of this attribute's value.
    pub fn value_type(&self) -> Type {
        match &self.ty {
            AttrType::Primitive(t) => t.clone(),
            AttrType::Nested(nesting, attrs) => {
                let obj = Type::object(attrs.iter().map(|a| (a.name.clone(), a.value_type())));
                match nesting {
                    Nesting::Single | Nesting::Group => obj,
                    Nesting::List => Type::list(obj),
                    Nesting::Set => Type::set(obj),
                    Nesting::Map => Type::map(obj),
                }
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct NestedBlock {
    pub name: String,
    pub nesting: Nesting,
    pub block: Block,
    pub min_items: i64,
    pub max_items: i64,
}

impl NestedBlock {
    pub fn new(name: &str, nesting: Nesting, block: Block) -> NestedBlock {
        NestedBlock {
            name: name.to_owned(),
            nesting,
            block,
            min_items: 0,
            max_items: 0,
        }
    }

    pub fn value_type(&self) -> Type {
        let obj = self.block.value_type();
        match self.nesting {
            Nesting::Single | Nesting::Group => obj,
            Nesting::List => Type::list(obj),
            Nesting::Set => Type::set(obj),
            Nesting::Map => Type::map(obj),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Block {
    pub attributes: Vec<Attribute>,
    pub blocks: Vec<NestedBlock>,
    pub description: String,
    pub deprecated: String,
}

impl Block {
    pub fn new(description: &str) -> Block {
        Block {
            description: description.to_owned(),
            ..Block::default()
        }
    }
    pub fn attribute(mut self, a: Attribute) -> Self {
        self.attributes.push(a);
        self
    }
    pub fn block(mut self, b: NestedBlock) -> Self {
        self.blocks.push(b);
        self
    }

    /// The object type a value of this block has: every attribute and every nested block.
    pub fn value_type(&self) -> Type {
        Type::object(
            self.attributes
                .iter()
                .map(|a| (a.name.clone(), a.value_type()))
                .chain(self.blocks.iter().map(|b| (b.name.clone(), b.value_type()))),
        )
    }

    pub fn attribute_named(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }
}

/// A versioned schema. The version goes up whenever stored state needs an upgrader.
#[derive(Clone, Debug, PartialEq)]
pub struct Schema {
    pub version: i64,
    pub block: Block,
}

impl Schema {
    pub fn new(version: i64, block: Block) -> Schema {
        Schema { version, block }
    }
    pub fn value_type(&self) -> Type {
        self.block.value_type()
    }
}

/// The `timeouts` block resources accept, as Terraform users expect: durations like "2m".
/// What a configuration can get wrong against the schema alone, whatever the type: a value
/// for a read-only (computed, neither required nor optional) attribute, a fraction or an
/// infinity for a `whole_number` one, and `""` for a `non_empty` one. Each at its path, without echoing the value. Run before
/// the configuration is read into a model, so a user's mistake never reads as a provider bug.
pub fn config_problems(block: &Block, config: &Value) -> Diagnostics {
    let mut diags = Diagnostics::new();
    block_problems(block, config, AttrPath::root(), &mut diags);
    diags
}

fn block_problems(block: &Block, config: &Value, at: AttrPath, diags: &mut Diagnostics) {
    for a in &block.attributes {
        let v = config.attr(&a.name);
        let path = at.clone().then_attr(&a.name);
        if a.computed && !a.optional && !a.required && !v.is_null() {
            diags.push(
                Diagnostic::error(
                    "Invalid Configuration for Read-Only Attribute",
                    format!(
                        "`{}` is set by the provider, not by the configuration. Remove the line \
                        that sets it; read it as an attribute of the object instead.",
                        a.name
                    ),
                )
                .at(path),
            );
        } else if a.whole_number
            && let Value::Number(n) = v
            && n.as_i64().is_none()
        {
            diags.push(
                Diagnostic::error(
                    "Not a whole number",
                    format!(
                        "`{}` must be a whole number, without a fraction and not infinite.",
                        a.name
                    ),
                )
                .at(path),
            );
        } else if a.non_empty && v.as_str() == Some("") {
            diags.push(
                Diagnostic::error(
                    "Empty value",
                    format!(
                        "`{}` is empty. Set it, or leave it out to use its default (an empty \
                        string often comes from a variable that was never set).",
                        a.name
                    ),
                )
                .at(path),
            );
        }
    }
    for b in &block.blocks {
        let path = at.clone().then_attr(&b.name);
        match config.attr(&b.name) {
            Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
                for (i, item) in items.iter().enumerate() {
                    block_problems(&b.block, item, path.clone().then_index(i as i64), diags);
                }
            }
            Value::Map(items) => {
                for (k, item) in items {
                    block_problems(&b.block, item, path.clone().then_key(k), diags);
                }
            }
            v @ Value::Object(_) => block_problems(&b.block, v, path, diags),
            _ => {}
        }
    }
}

pub fn timeouts_block() -> NestedBlock {
    let field = |name: &str, what: &str| {
        Attribute::string(name).optional().description(&format!(
            "How long to wait for {what}, as a duration such as `30s` or `2m`."
        ))
    };
    NestedBlock::new(
        "timeouts",
        Nesting::Single,
        Block::new(
            "\
            Overall time limits for each operation, retries included. Left unset, an operation is \
            bounded only by the provider's `request_timeout_seconds` per request and its \
            `max_retries`.",
        )
        .attribute(field("create", "a create"))
        .attribute(field("read", "a read"))
        .attribute(field("update", "an update"))
        .attribute(field("delete", "a delete")),
    )
}

/// A resource identity schema (Terraform 1.12+): the attributes that name an object.
#[derive(Clone, Debug, PartialEq)]
pub struct IdentitySchema {
    pub version: i64,
    pub attributes: Vec<IdentityAttribute>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct IdentityAttribute {
    pub name: String,
    pub ty: Type,
    pub description: String,
    pub required_for_import: bool,
    pub optional_for_import: bool,
}

impl IdentitySchema {
    /// A version-0 identity of string attributes, all required for import: `(name, description)`.
    pub fn required_strings(attributes: &[(&str, &str)]) -> IdentitySchema {
        IdentitySchema {
            version: 0,
            attributes: attributes
                .iter()
                .map(|(name, description)| IdentityAttribute {
                    name: (*name).to_owned(),
                    ty: Type::String,
                    description: (*description).to_owned(),
                    required_for_import: true,
                    optional_for_import: false,
                })
                .collect(),
        }
    }

    pub fn value_type(&self) -> Type {
        Type::object(
            self.attributes
                .iter()
                .map(|a| (a.name.clone(), a.ty.clone())),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_type_holds_attributes_and_blocks() {
        let b = Block::new("x")
            .attribute(Attribute::string("id").computed())
            .attribute(Attribute::nested(
                "items",
                Nesting::List,
                vec![Attribute::bool("ok")],
            ))
            .block(timeouts_block());
        let t = b.value_type();
        assert_eq!(
            t.to_json().to_string(),
            r#"["object",{"id":"string","items":["list",["object",{"ok":"bool"}]],"timeouts":["object",{"create":"string","delete":"string","read":"string","update":"string"}]}]"#
        );
    }

    #[test]
    fn config_problems_name_each_mistake_at_its_path_and_pass_what_is_allowed() {
        use crate::framework::cty::Number;
        use crate::framework::plan::object;
        let rules = NestedBlock::new(
            "rule",
            Nesting::List,
            Block::new("").attribute(Attribute::string("id").computed()),
        );
        let b = Block::new("x")
            .attribute(Attribute::string("id").computed())
            .attribute(Attribute::string("note").optional().computed())
            .attribute(Attribute::number("count").optional().whole_number())
            .attribute(Attribute::number("ratio").optional())
            .attribute(Attribute::string("api_key").optional().non_empty())
            .block(rules);
        let num = |f: f64| Value::Number(Number::from_f64(f));
        let problems = |config: Value| -> Vec<(String, String)> {
            config_problems(&b, &config)
                .iter()
                .map(|d| (d.summary.clone(), format!("{:?}", d.path)))
                .collect()
        };
        let fine = object([
            ("note", Value::string("")),
            ("count", num(3.0)),
            ("ratio", num(0.5)),
            ("api_key", Value::string("abcd1234")),
            ("rule", Value::List(vec![object([("id", Value::Null)])])),
        ]);
        assert_eq!(problems(fine), vec![]);
        let unknown = object([("id", Value::Unknown), ("count", Value::Unknown)]);
        let p = problems(unknown);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(
            p[0].0.contains("Read-Only") && p[0].1.contains("id"),
            "{p:?}"
        );
        let bad = object([
            ("count", num(2.5)),
            ("api_key", Value::string("")),
            (
                "rule",
                Value::List(vec![object([("id", Value::string("r1"))])]),
            ),
        ]);
        let p = problems(bad);
        let summaries: Vec<&str> = p.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(
            summaries,
            [
                "Not a whole number",
                "Empty value",
                "Invalid Configuration for Read-Only Attribute"
            ],
            "{p:?}"
        );
        assert!(p[2].1.contains("rule") && p[2].1.contains('0'), "{p:?}");
        assert_eq!(problems(object([("count", num(f64::INFINITY))])).len(), 1);
    }
}
