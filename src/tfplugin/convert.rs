//! Pure conversions between protobuf messages and framework types. No I/O, no decisions.
//!
//! Must not: decide anything; a conversion that needs a rule belongs in `framework`.

use crate::framework::action::ActionEvent;
use crate::framework::cty::{self, Type, Value};
use crate::framework::diagnostics::{AttrPath, Diagnostic, Diagnostics, PathStep, Severity};
use crate::framework::schema::{
    AttrType, Attribute, Block, IdentitySchema, NestedBlock, Nesting, Schema,
};
use crate::framework::upgrade::RawState;

use super::proto;
use proto::schema::{
    nested_block::NestingMode as BlockNesting, object::NestingMode as ObjectNesting,
};

pub fn schema(s: &Schema) -> proto::Schema {
    proto::Schema {
        version: s.version,
        block: Some(block(&s.block, s.version)),
    }
}

fn block(b: &Block, version: i64) -> proto::schema::Block {
    proto::schema::Block {
        version,
        attributes: b.attributes.iter().map(attribute).collect(),
        block_types: b.blocks.iter().map(nested_block).collect(),
        description: b.description.clone(),
        description_kind: proto::StringKind::Markdown as i32,
        deprecated: !b.deprecated.is_empty(),
        deprecation_message: b.deprecated.clone(),
    }
}

fn attribute(a: &Attribute) -> proto::schema::Attribute {
    let (ty, nested_type) = match &a.ty {
        AttrType::Primitive(t) => (t.to_json_bytes(), None),
        AttrType::Nested(nesting, attrs) => (
            Vec::new(),
            Some(proto::schema::Object {
                attributes: attrs.iter().map(attribute).collect(),
                nesting: match nesting {
                    Nesting::Single | Nesting::Group => ObjectNesting::Single,
                    Nesting::List => ObjectNesting::List,
                    Nesting::Set => ObjectNesting::Set,
                    Nesting::Map => ObjectNesting::Map,
                } as i32,
                ..Default::default()
            }),
        ),
    };
    proto::schema::Attribute {
        name: a.name.clone(),
        r#type: ty,
        nested_type,
        description: a.description.clone(),
        required: a.required,
        optional: a.optional,
        computed: a.computed,
        sensitive: a.sensitive,
        description_kind: proto::StringKind::Markdown as i32,
        deprecated: !a.deprecated.is_empty(),
        write_only: a.write_only,
        deprecation_message: a.deprecated.clone(),
    }
}

fn nested_block(nb: &NestedBlock) -> proto::schema::NestedBlock {
    proto::schema::NestedBlock {
        type_name: nb.name.clone(),
        block: Some(block(&nb.block, 0)),
        nesting: match nb.nesting {
            Nesting::Single => BlockNesting::Single,
            Nesting::List => BlockNesting::List,
            Nesting::Set => BlockNesting::Set,
            Nesting::Map => BlockNesting::Map,
            Nesting::Group => BlockNesting::Group,
        } as i32,
        min_items: nb.min_items,
        max_items: nb.max_items,
    }
}

pub fn action_schema(s: &Schema) -> proto::ActionSchema {
    proto::ActionSchema {
        schema: Some(schema(s)),
    }
}

/// One `InvokeAction` event: always progress or completion, never neither (Terraform panics on
/// an event with neither).
pub fn action_event(e: ActionEvent) -> proto::invoke_action::Event {
    use proto::invoke_action::event::{Completed, Progress, Type};
    let r#type = match e {
        ActionEvent::Progress(message) => Type::Progress(Progress { message }),
        ActionEvent::Completed(d) => Type::Completed(Completed {
            diagnostics: diagnostics(&d),
        }),
    };
    proto::invoke_action::Event {
        r#type: Some(r#type),
    }
}

pub fn identity_schema(s: &IdentitySchema) -> proto::ResourceIdentitySchema {
    proto::ResourceIdentitySchema {
        version: s.version,
        identity_attributes: s
            .attributes
            .iter()
            .map(|a| proto::resource_identity_schema::IdentityAttribute {
                name: a.name.clone(),
                r#type: a.ty.to_json_bytes(),
                required_for_import: a.required_for_import,
                optional_for_import: a.optional_for_import,
                description: a.description.clone(),
            })
            .collect(),
    }
}

pub fn diagnostics(ds: &Diagnostics) -> Vec<proto::Diagnostic> {
    ds.iter().map(diagnostic).collect()
}

fn diagnostic(d: &Diagnostic) -> proto::Diagnostic {
    proto::Diagnostic {
        severity: match d.severity {
            Severity::Error => proto::diagnostic::Severity::Error,
            Severity::Warning => proto::diagnostic::Severity::Warning,
        } as i32,
        summary: d.summary.clone(),
        detail: d.detail.clone(),
        attribute: d.path.as_ref().filter(|p| !p.0.is_empty()).map(path),
    }
}

pub fn path(p: &AttrPath) -> proto::AttributePath {
    use proto::attribute_path::{Step, step::Selector};
    proto::AttributePath {
        steps: p
            .0
            .iter()
            .map(|s| Step {
                selector: Some(match s {
                    PathStep::Attribute(a) => Selector::AttributeName(a.clone()),
                    PathStep::Key(k) => Selector::ElementKeyString(k.clone()),
                    PathStep::Index(i) => Selector::ElementKeyInt(*i),
                }),
            })
            .collect(),
    }
}

/// Whether Terraform accepts write-only attributes (1.11+).
pub fn write_only_allowed(caps: Option<&proto::ClientCapabilities>) -> bool {
    caps.is_some_and(|c| c.write_only_attributes_allowed)
}

/// Stored state as the framework reads it.
pub fn raw_state(raw: &proto::RawState) -> RawState<'_> {
    RawState {
        json: &raw.json,
        flatmap: !raw.flatmap.is_empty(),
    }
}

/// An identity value on the wire.
pub fn identity(v: &Value, s: &IdentitySchema) -> Result<proto::ResourceIdentityData, Diagnostics> {
    Ok(proto::ResourceIdentityData {
        identity_data: Some(encode(v, &s.value_type(), "identity")?),
    })
}

/// The identity an import block gives, decoded with the resource's identity schema.
pub fn given_identity(
    given: Option<&proto::ResourceIdentityData>,
    schema: Option<IdentitySchema>,
) -> Result<Option<Value>, Diagnostics> {
    match (schema, given.and_then(|i| i.identity_data.as_ref())) {
        (Some(s), Some(dv)) => decode(Some(dv), &s.value_type(), "identity").map(Some),
        _ => Ok(None),
    }
}

/// Decode a `DynamicValue` of type `ty`. Absent or empty means null, as in Terraform.
pub fn decode(
    dv: Option<&proto::DynamicValue>,
    ty: &Type,
    what: &str,
) -> Result<Value, Diagnostics> {
    let Some(dv) = dv else { return Ok(Value::Null) };
    let result = if !dv.msgpack.is_empty() {
        cty::msgpack::decode(&dv.msgpack, ty)
    } else if !dv.json.is_empty() {
        cty::json::decode(&dv.json, ty)
    } else {
        Ok(Value::Null)
    };
    result.map_err(|e| {
        Diagnostic::error(
            format!("Invalid {what} from Terraform"),
            format!(
                "\
                The provider could not decode the {what}: {e}. This is a bug in the provider or \
                an incompatible Terraform version; please report it."
            ),
        )
        .into()
    })
}

/// Encode a value as msgpack (the only form we send).
pub fn encode(v: &Value, ty: &Type, what: &str) -> Result<proto::DynamicValue, Diagnostics> {
    cty::msgpack::encode(v, ty)
        .map(|msgpack| proto::DynamicValue {
            msgpack,
            json: Vec::new(),
        })
        .map_err(|e| {
            Diagnostic::error(
                format!("Provider bug: invalid {what}"),
                format!(
                    "\
                    The provider produced a {what} that does not fit its schema: {e}. Please \
                    report it."
                ),
            )
            .into()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_carry_every_flag_and_markdown_descriptions() {
        let s = Schema::new(
            2,
            Block::new("d")
                .attribute(
                    Attribute::string("secret_wo")
                        .optional()
                        .write_only()
                        .description("the *secret*"),
                )
                .attribute(
                    Attribute::string("api_secret")
                        .optional()
                        .sensitive()
                        .deprecated("use x"),
                ),
        );
        let p = schema(&s);
        let b = p.block.unwrap();
        assert_eq!(b.version, 2);
        let wo = &b.attributes[0];
        assert!(wo.write_only && wo.optional && !wo.sensitive);
        assert_eq!(wo.r#type, br#""string""#);
        assert_eq!(wo.description_kind, proto::StringKind::Markdown as i32);
        let sens = &b.attributes[1];
        assert!(sens.sensitive && sens.deprecated);
        assert_eq!(sens.deprecation_message, "use x");
    }

    #[test]
    fn diagnostics_keep_their_attribute_path() {
        let d = Diagnostic::error("s", "d").at(AttrPath::attr("timeouts").then_attr("create"));
        let p = &diagnostics(&d.into())[0];
        assert_eq!(p.severity, proto::diagnostic::Severity::Error as i32);
        assert_eq!(p.attribute.as_ref().unwrap().steps.len(), 2);
    }

    #[test]
    fn every_action_event_sets_its_type() {
        use proto::invoke_action::event::Type;
        let progress = action_event(ActionEvent::Progress("moving".into()));
        assert!(matches!(progress.r#type, Some(Type::Progress(ref p)) if p.message == "moving"));
        let d = Diagnostic::error("s", "d").into();
        let done = action_event(ActionEvent::Completed(d));
        assert!(
            matches!(done.r#type, Some(Type::Completed(ref c)) if c.diagnostics[0].summary == "s")
        );
    }

    #[test]
    fn absent_dynamic_values_are_null() {
        assert_eq!(decode(None, &Type::String, "x").unwrap(), Value::Null);
        let empty = proto::DynamicValue::default();
        assert_eq!(
            decode(Some(&empty), &Type::String, "x").unwrap(),
            Value::Null
        );
        let bad = proto::DynamicValue {
            msgpack: vec![0x92, 0xc0],
            json: vec![],
        };
        assert!(decode(Some(&bad), &Type::String, "x").is_err());
    }
}
