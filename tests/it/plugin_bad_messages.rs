//! Malformed and oversized messages on the real plugin socket (mTLS, the pinned client): each
//! gets an error, a diagnostic or a gRPC status, and the provider keeps serving.
//!
//! A raw client sends what Terraform never would: bytes that are not protobuf, DynamicValues
//! that are not msgpack, are cut short, have the wrong types or claim gigabytes, state that is
//! not JSON, type names the provider does not have, and messages beyond and just within the
//! server's 256 MiB limit. After each, `GetProviderSchema` must still answer.

use crate::common::plugin_client;

use prost::Message;
use prost::bytes::{Buf, BufMut};
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::codegen::http::uri::PathAndQuery;
use tonic::transport::Channel;
use tonic::{Code, Status};

use plugin_client::ServedProvider;
use tfvonage::framework::cty::{Type, Value, msgpack};
use tfvonage::framework::plan::object;
use tfvonage::tfplugin::proto::provider_client::ProviderClient;
use tfvonage::tfplugin::proto::{self, DynamicValue, RawState};

/// The server's limit (plugin::server::MAX_MESSAGE): Go providers accept 256 MiB, so do we.
const MAX_MESSAGE: usize = 256 << 20;

type Client = ProviderClient<Channel>;

fn client(channel: Channel) -> Client {
    ProviderClient::new(channel)
        .max_encoding_message_size(usize::MAX)
        .max_decoding_message_size(usize::MAX)
}

fn mp(bytes: Vec<u8>) -> Option<DynamicValue> {
    Some(DynamicValue {
        msgpack: bytes,
        json: Vec::new(),
    })
}

fn subaccount_type() -> Type {
    use tfvonage::framework::provider::Provider;
    let p = tfvonage::provider::VonageProvider;
    let r = p.resources().into_iter();
    let sub = r.into_iter().find(|r| r.type_name() == "vonage_subaccount");
    sub.unwrap().schema().value_type()
}

/// A valid `vonage_subaccount` configuration, as msgpack.
fn valid_config() -> Vec<u8> {
    let ty = subaccount_type();
    let v = object([("name", Value::string("team-a"))])
        .conform(&ty)
        .unwrap();
    msgpack::encode(&v, &ty).unwrap()
}

/// The error diagnostics of a response, as "summary: detail".
fn errors(diags: &[proto::Diagnostic]) -> Vec<String> {
    let error = proto::diagnostic::Severity::Error as i32;
    diags
        .iter()
        .filter(|d| d.severity == error)
        .map(|d| format!("{}: {}", d.summary, d.detail))
        .collect()
}

async fn still_serving(c: &mut Client, after: &str) {
    let schema = c
        .get_provider_schema(proto::get_provider_schema::Request {})
        .await
        .unwrap_or_else(|e| panic!("no schema after {after}: {e}"))
        .into_inner();
    assert!(
        schema.resource_schemas.contains_key("vonage_subaccount"),
        "after {after}"
    );
}

/// DynamicValues no Terraform sends, each named.
fn bad_dynamic_values() -> Vec<(&'static str, Vec<u8>)> {
    let valid = valid_config();
    let mut trailing = valid.clone();
    trailing.push(0xc0);
    let map1 = |k: &[u8], v: &[u8]| [&[0x81][..], k, v].concat();
    vec![
        ("bytes msgpack never uses", vec![0xc1, 0xc1, 0xc1]),
        ("a value cut short", valid[..valid.len() / 2].to_vec()),
        ("bytes after the value", trailing),
        ("a string where an object belongs", vec![0xa1, b'x']),
        ("a bool where a string belongs", map1(b"\xa4name", b"\xc3")),
        ("an attribute the schema lacks", map1(b"\xa4nope", b"\x01")),
        ("a map key that is not a string", map1(b"\x01", b"\xa1x")),
        (
            "a string that is not UTF-8",
            map1(b"\xa4name", b"\xa2\xff\xfe"),
        ),
        ("a number where a bool belongs", {
            map1(b"\xa9suspended", b"\x01")
        }),
        (
            "a string claiming 4 GiB",
            map1(b"\xa4name", b"\xdb\xff\xff\xff\xff"),
        ),
        ("an array claiming 4 billion elements", {
            vec![0xdd, 0xff, 0xff, 0xff, 0xff]
        }),
        ("a map claiming 4 billion entries", {
            vec![0xdf, 0xff, 0xff, 0xff, 0xff]
        }),
        ("arrays nested 100000 deep", {
            let mut v = vec![0x91; 100_000];
            v.push(0xc0);
            v
        }),
    ]
}

#[tokio::test]
async fn bad_dynamic_values_get_diagnostics_from_every_rpc_that_decodes_one() {
    let served = ServedProvider::start();
    let mut c = client(served.channel().await);
    for (what, bytes) in bad_dynamic_values() {
        let r = c
            .validate_resource_config(proto::validate_resource_config::Request {
                type_name: "vonage_subaccount".into(),
                config: mp(bytes.clone()),
                client_capabilities: None,
            })
            .await
            .unwrap_or_else(|e| panic!("{what}: {e}"))
            .into_inner();
        let errs = errors(&r.diagnostics);
        assert!(
            errs.iter()
                .any(|e| e.starts_with("Invalid resource configuration from Terraform")),
            "{what}: {errs:?}"
        );

        let r = c
            .validate_provider_config(proto::validate_provider_config::Request {
                config: mp(bytes.clone()),
            })
            .await
            .unwrap_or_else(|e| panic!("{what}: {e}"))
            .into_inner();
        assert!(!errors(&r.diagnostics).is_empty(), "{what}: provider");

        let r = c
            .validate_data_resource_config(proto::validate_data_resource_config::Request {
                type_name: "vonage_balance".into(),
                config: mp(bytes.clone()),
            })
            .await
            .unwrap_or_else(|e| panic!("{what}: {e}"))
            .into_inner();
        assert!(!errors(&r.diagnostics).is_empty(), "{what}: data source");

        let r = c
            .validate_ephemeral_resource_config(
                proto::validate_ephemeral_resource_config::Request {
                    type_name: "vonage_generated_secret".into(),
                    config: mp(bytes.clone()),
                },
            )
            .await
            .unwrap_or_else(|e| panic!("{what}: {e}"))
            .into_inner();
        assert!(!errors(&r.diagnostics).is_empty(), "{what}: ephemeral");

        // Plan decodes three values: a bad one in any place is refused.
        let valid = mp(valid_config());
        for (slot, request) in [
            (
                "prior state",
                proto::plan_resource_change::Request {
                    prior_state: mp(bytes.clone()),
                    proposed_new_state: valid.clone(),
                    config: valid.clone(),
                    ..Default::default()
                },
            ),
            (
                "proposed new state",
                proto::plan_resource_change::Request {
                    proposed_new_state: mp(bytes.clone()),
                    config: valid.clone(),
                    ..Default::default()
                },
            ),
            (
                "configuration",
                proto::plan_resource_change::Request {
                    proposed_new_state: valid.clone(),
                    config: mp(bytes.clone()),
                    ..Default::default()
                },
            ),
        ] {
            let request = proto::plan_resource_change::Request {
                type_name: "vonage_subaccount".into(),
                ..request
            };
            let r = c
                .plan_resource_change(request)
                .await
                .unwrap_or_else(|e| panic!("{what} as {slot}: {e}"))
                .into_inner();
            assert!(
                !errors(&r.diagnostics).is_empty() && r.planned_state.is_none(),
                "{what} as {slot}: {r:?}"
            );
        }
        still_serving(&mut c, what).await;
    }
}

#[tokio::test]
async fn unreadable_stored_state_is_a_diagnostic() {
    let served = ServedProvider::start();
    let mut c = client(served.channel().await);
    for (what, json) in [
        ("not JSON", &b"{\"name\": "[..]),
        ("a string", br#""team-a""#),
        ("a wrong attribute type", br#"{"name": ["a"]}"#),
        ("deep nesting", &[b'['; 10_000][..]),
    ] {
        let r = c
            .upgrade_resource_state(proto::upgrade_resource_state::Request {
                type_name: "vonage_subaccount".into(),
                version: 0,
                raw_state: Some(RawState {
                    json: json.to_vec(),
                    flatmap: Default::default(),
                }),
            })
            .await
            .unwrap_or_else(|e| panic!("{what}: {e}"))
            .into_inner();
        assert!(
            !errors(&r.diagnostics).is_empty() && r.upgraded_state.is_none(),
            "{what}: {r:?}"
        );
        still_serving(&mut c, what).await;
    }
}

#[tokio::test]
async fn unknown_type_names_are_diagnostics_naming_them() {
    let served = ServedProvider::start();
    let mut c = client(served.channel().await);
    let name = "vonage_no_such_thing";
    let says = |diags: &[proto::Diagnostic], rpc: &str| {
        let errs = errors(diags);
        assert!(errs.iter().any(|e| e.contains(name)), "{rpc}: {errs:?}");
    };
    let config = mp(valid_config());
    let r = c
        .validate_resource_config(proto::validate_resource_config::Request {
            type_name: name.into(),
            config: config.clone(),
            client_capabilities: None,
        })
        .await
        .unwrap()
        .into_inner();
    says(&r.diagnostics, "ValidateResourceConfig");
    let r = c
        .plan_resource_change(proto::plan_resource_change::Request {
            type_name: name.into(),
            config: config.clone(),
            proposed_new_state: config.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    says(&r.diagnostics, "PlanResourceChange");
    let r = c
        .apply_resource_change(proto::apply_resource_change::Request {
            type_name: name.into(),
            planned_state: config.clone(),
            config: config.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    says(&r.diagnostics, "ApplyResourceChange");
    let r = c
        .read_resource(proto::read_resource::Request {
            type_name: name.into(),
            current_state: config.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    says(&r.diagnostics, "ReadResource");
    let r = c
        .import_resource_state(proto::import_resource_state::Request {
            type_name: name.into(),
            id: "x".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    says(&r.diagnostics, "ImportResourceState");
    let r = c
        .upgrade_resource_state(proto::upgrade_resource_state::Request {
            type_name: name.into(),
            version: 0,
            raw_state: Some(RawState {
                json: b"{}".to_vec(),
                flatmap: Default::default(),
            }),
        })
        .await
        .unwrap()
        .into_inner();
    says(&r.diagnostics, "UpgradeResourceState");
    let r = c
        .validate_data_resource_config(proto::validate_data_resource_config::Request {
            type_name: name.into(),
            config: config.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    says(&r.diagnostics, "ValidateDataResourceConfig");
    let r = c
        .read_data_source(proto::read_data_source::Request {
            type_name: name.into(),
            config: config.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    says(&r.diagnostics, "ReadDataSource");
    let r = c
        .validate_ephemeral_resource_config(proto::validate_ephemeral_resource_config::Request {
            type_name: name.into(),
            config: config.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    says(&r.diagnostics, "ValidateEphemeralResourceConfig");
    let r = c
        .open_ephemeral_resource(proto::open_ephemeral_resource::Request {
            type_name: name.into(),
            config,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    says(&r.diagnostics, "OpenEphemeralResource");
    still_serving(&mut c, "unknown type names").await;
}

/// Bytes as they are, for requests that are not protobuf at all.
#[derive(Clone, Default)]
struct RawBytes;

impl Codec for RawBytes {
    type Encode = Vec<u8>;
    type Decode = Vec<u8>;
    type Encoder = RawBytes;
    type Decoder = RawBytes;
    fn encoder(&mut self) -> RawBytes {
        RawBytes
    }
    fn decoder(&mut self) -> RawBytes {
        RawBytes
    }
}

impl Encoder for RawBytes {
    type Item = Vec<u8>;
    type Error = Status;
    fn encode(&mut self, item: Vec<u8>, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        dst.put_slice(&item);
        Ok(())
    }
}

impl Decoder for RawBytes {
    type Item = Vec<u8>;
    type Error = Status;
    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<Vec<u8>>, Status> {
        Ok(Some(src.copy_to_bytes(src.remaining()).to_vec()))
    }
}

#[tokio::test]
async fn requests_that_are_not_protobuf_get_a_grpc_error() {
    let served = ServedProvider::start();
    let channel = served.channel().await;
    let mut c = client(channel.clone());
    let mut raw = tonic::client::Grpc::new(channel);
    for (what, bytes) in [
        // Field 1 (type_name) claims more bytes than follow.
        (
            "a length beyond the message",
            vec![0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f],
        ),
        ("an invalid wire type", vec![0x0f, 0x00]),
        ("a varint where a string belongs", vec![0x08, 0x01]),
        (
            "a type name that is not UTF-8",
            vec![0x0a, 0x02, 0xff, 0xfe],
        ),
        ("a varint that never ends", vec![0x10; 11]),
        ("field number zero", vec![0x02, 0x00]),
    ] {
        raw.ready().await.unwrap();
        let path = PathAndQuery::from_static("/tfplugin6.Provider/ValidateResourceConfig");
        let result = raw.unary(tonic::Request::new(bytes), path, RawBytes).await;
        let status = result.expect_err(what);
        assert_ne!(status.code(), Code::Ok, "{what}");
        assert!(!status.message().is_empty(), "{what}: {status:?}");
        still_serving(&mut c, what).await;
    }
}

/// A `vonage_subaccount` configuration whose name is `len` bytes long.
fn config_with_name_of(len: usize) -> Vec<u8> {
    let mut name = Vec::with_capacity(len + 5);
    name.push(0xdb);
    name.extend_from_slice(&(len as u32).to_be_bytes());
    name.resize(len + 5, b'n');
    [&[0x81, 0xa4][..], b"name", &name].concat()
}

#[tokio::test]
async fn a_dynamic_value_beyond_the_message_limit_is_refused_and_one_within_is_answered() {
    let served = ServedProvider::start();
    let mut c = client(served.channel().await);

    // Beyond: a status, not a crash and not a hang.
    let request = proto::validate_resource_config::Request {
        type_name: "vonage_subaccount".into(),
        config: mp(config_with_name_of(MAX_MESSAGE + 1024)),
        client_capabilities: None,
    };
    assert!(request.encoded_len() > MAX_MESSAGE);
    let status = c.validate_resource_config(request).await.unwrap_err();
    assert!(
        matches!(status.code(), Code::OutOfRange | Code::ResourceExhausted),
        "{status:?}"
    );
    still_serving(&mut c, "a message beyond the limit").await;

    // Within (1 KiB under the limit): decoded and validated like any other, and the answer
    // names the attribute without echoing the value.
    let request = proto::validate_resource_config::Request {
        type_name: "vonage_subaccount".into(),
        config: mp(config_with_name_of(MAX_MESSAGE - 1024)),
        client_capabilities: None,
    };
    assert!(request.encoded_len() <= MAX_MESSAGE);
    let r = c
        .validate_resource_config(request)
        .await
        .expect("a message within the limit is answered")
        .into_inner();
    let invalid = r
        .diagnostics
        .iter()
        .find(|d| d.summary == "Invalid subaccount name")
        .unwrap_or_else(|| panic!("{:?}", errors(&r.diagnostics)));
    let path = invalid.attribute.as_ref().expect("a path");
    assert_eq!(path.steps.len(), 1);
    assert!(
        r.encoded_len() < 64 << 10,
        "the answer does not echo the value"
    );
    still_serving(&mut c, "a message within the limit").await;
}
