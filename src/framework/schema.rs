//! Schemas: the attributes and blocks of a provider, resource or data source.
//!
//! Owns the schema model and its builder. The flags here drive the plan engine
//! (`framework::plan`): `computed` attributes turn unknown when Terraform must wait for them,
//! `write_only` ones never reach plan or state, `requires_replace` ones force a new object,
//! `stable` ones keep their prior value on update, and `moved_by` ones keep it unless one of the
//! attributes that can move them changes. Value rules (`int64` whole numbers and their range,
//! `non_empty` strings) and read-only attributes are checked by the engine
//! (`framework::config_checks`). Descriptions are markdown and feed both Terraform
//! (`GetProviderSchema`) and our generated docs.
//!
//! Must not: know about protobuf (`tfplugin::convert` maps it) or about any one resource.

use super::cty::{Type, Value};

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
    /// For a number attribute made with [`Attribute::int64`]: values must be whole numbers
    /// in this range (inclusive).
    pub integer: Option<IntRange>,
    /// Refuse an empty string: for attributes where `""` means nothing.
    pub non_empty: bool,
    /// The value goes into an API's URL path as one segment: refuse `.` and `..` (also written
    /// `%2e`), which a URL path reads as steps, not names.
    pub path_segment: bool,
}

/// The whole numbers an `int64` attribute accepts, both ends included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IntRange {
    pub min: i64,
    pub max: i64,
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
            integer: None,
            non_empty: false,
            path_segment: false,
        }
    }
    pub fn string(name: &str) -> Attribute {
        Attribute::new(name, AttrType::Primitive(Type::String))
    }
    pub fn number(name: &str) -> Attribute {
        Attribute::new(name, AttrType::Primitive(Type::Number))
    }
    /// A number that must be a whole number fitting in 64 bits (narrow it with
    /// [`between`](Attribute::between)). On the wire it is a number, as in
    /// terraform-plugin-framework's `Int64Attribute`; models read it as `i64`.
    pub fn int64(name: &str) -> Attribute {
        let mut a = Attribute::new(name, AttrType::Primitive(Type::Number));
        a.integer = Some(IntRange {
            min: i64::MIN,
            max: i64::MAX,
        });
        a
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
    /// For an `int64` attribute: accept only `min..=max`, checked at plan time.
    pub fn between(mut self, min: i64, max: i64) -> Self {
        assert!(self.integer.is_some(), "between() is for Attribute::int64");
        self.integer = Some(IntRange { min, max });
        self
    }
    /// Refuse `""` at validate time, for attributes where an empty string means nothing.
    pub fn non_empty(mut self) -> Self {
        self.non_empty = true;
        self
    }
    /// Refuse `.` and `..` (in any mix of `.` and `%2e`) at validate time, for a value that goes
    /// into a URL path as one segment, where those are steps rather than names.
    pub fn path_segment(mut self) -> Self {
        self.path_segment = true;
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
pub fn timeouts_block() -> NestedBlock {
    let field = |name: &str, what: &str| {
        Attribute::string(name).optional().description(&format!(
            "\
            How long to wait for {what}, as a duration such as `30s`, `2m` or `1h30m` (units \
            `ns`, `us`, `ms`, `s`, `m`, `h`). `0` means no limit."
        ))
    };
    NestedBlock::new(
        "timeouts",
        Nesting::Single,
        Block::new(
            "\
            Overall time limits for each operation, retries included: no retry wait that would \
            end after the limit is started. Left unset, an operation is bounded only by the \
            provider's `request_timeout_seconds` per request and its `retry_max_seconds` (and \
            `max_retries`, when set) per request's retries.",
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
}
