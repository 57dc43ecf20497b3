//! Inputs the fuzz targets in `fuzz/` found (or that writing them showed), each kept as a test
//! of the fix it led to.
//!
//! Every test names its target; the inputs are also in `fuzz/seeds/<target>/` (`regression-*`
//! and `seed-*` files), so every fuzz run starts from them.

use std::time::Duration;

use serde::Deserialize;
use tfvonage::framework::cty::{Number, Type, Value, json, msgpack};
use tfvonage::framework::diagnostics::{PathStep, Severity};
use tfvonage::framework::plan::object;
use tfvonage::framework::provider::Provider;
use tfvonage::provider::VonageProvider;
use tfvonage::vonage::Error;
use tfvonage::vonage::response_parsers::{error_response, logged_error_body};

/// cty_msgpack: a float32 NaN decoded as a number, which then never equalled itself.
#[test]
fn msgpack_nan_is_refused_and_infinity_round_trips() {
    for nan in [
        &[0xca, 0xff, 0x83, 0x71, 0x71][..],
        &[0xcb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0][..],
    ] {
        let e = msgpack::decode(nan, &Type::Number).unwrap_err();
        assert!(e.message.contains("not NaN"), "{e}");
    }
    // +Inf is a cty number (Terraform sends it for `1/0`) and survives both codecs.
    let inf = [0xcb, 0x7f, 0xf0, 0, 0, 0, 0, 0, 0];
    let v = msgpack::decode(&inf, &Type::Number).unwrap();
    assert_eq!(msgpack::encode(&v, &Type::Number).unwrap(), inf);
    let j = serde_json::to_vec(&json::encode(&v, &Type::Number).unwrap()).unwrap();
    assert_eq!(json::decode(&j, &Type::Number).unwrap(), v);
}

/// plugin_bad_messages: 100,000 nested msgpack arrays overflowed the stack of a 2 MiB thread
/// (a tokio worker's) in a debug build, aborting the process. Decoding now stops at a depth no
/// schema needs, within a quarter of that stack.
#[test]
fn deeply_nested_msgpack_is_refused_without_exhausting_the_stack() {
    let decoded = std::thread::Builder::new()
        .stack_size(512 << 10)
        .spawn(|| {
            let mut deep = vec![0x91; 100_000];
            deep.push(0xc0);
            msgpack::decode(&deep, &Type::Dynamic).map_err(|e| e.to_string())
        })
        .unwrap()
        .join()
        .expect("no stack overflow");
    let e = decoded.unwrap_err();
    assert!(e.contains("depth"), "{e}");
    // A value nested as deep as a schema could ever be still decodes.
    let ty = (0..40).fold(Type::String, |t, _| Type::list(t));
    let mut ok = vec![0x91; 40];
    ok.extend_from_slice(&[0xa1, b'x']);
    assert!(msgpack::decode(&ok, &ty).is_ok());
}

/// cty_json: a state number whose exponent does not fit an i64 decoded as NaN, and was
/// written back as 0.
#[test]
fn json_numbers_beyond_any_exponent_are_infinite_or_zero_never_nan() {
    let huge = format!("3e{}", "3".repeat(70));
    let v = json::decode(huge.as_bytes(), &Type::Number).unwrap();
    let Value::Number(n) = &v else {
        panic!("{v:?}")
    };
    assert_eq!(n.as_f64(), f64::INFINITY);
    let back = serde_json::to_vec(&json::encode(&v, &Type::Number).unwrap()).unwrap();
    assert_eq!(json::decode(&back, &Type::Number).unwrap(), v);

    let tiny = format!("-3e-{}", "3".repeat(70));
    let v = json::decode(tiny.as_bytes(), &Type::Number).unwrap();
    assert_eq!(v, Value::Number(Number::from(0)));
}

/// cty_json: parsing `10e9223372036854775807` overflowed the exponent (a panic in a debug
/// build); `1e99999999999` as an integer built a hundred billion zeros.
#[test]
fn decimal_exponents_at_the_edge_of_i64() {
    assert!("10e9223372036854775807".parse::<Number>().is_err());
    assert!("1.5e-9223372036854775808".parse::<Number>().is_err());
    let big: Number = "1e99999999999".parse().unwrap();
    assert_eq!(big.as_i64(), None);
}

#[derive(Deserialize)]
struct Model {
    n: Option<i64>,
    f: Option<f64>,
}

/// cty_json / schema_values: numbers JSON cannot write as they came (`+5`, `.5`, `007`, an
/// infinity) reached resource models as 0, and `12e3` did not read as an integer.
#[test]
fn models_read_every_number_as_it_is_never_as_zero() {
    let ty = Type::object([("n", Type::Number), ("f", Type::Number)]);
    let read = |n: Value, f: Value| -> Result<Model, String> {
        let v = object([("n", n), ("f", f)]).conform(&ty).unwrap();
        tfvonage::framework::cty::serde::from_value(&v).map_err(|e| e.to_string())
    };
    let num = |s: &str| Value::Number(s.parse().unwrap());
    let m = read(num("+5"), num(".5")).unwrap();
    assert_eq!((m.n, m.f), (Some(5), Some(0.5)));
    let m = read(num("007"), num("5.")).unwrap();
    assert_eq!((m.n, m.f), (Some(7), Some(5.0)));
    let m = read(num("12e3"), num("-1.250e-2")).unwrap();
    assert_eq!((m.n, m.f), (Some(12000), Some(-0.0125)));
    // An infinity fits no integer: an error, not 0.
    let inf = Value::Number(Number::from_f64(f64::INFINITY));
    assert!(read(inf, Value::Null).is_err());
}

/// vonage_error_body: a secret with a quote in it, echoed by Vonage inside a structured
/// field, reached the error message and the trace log JSON-escaped, past the scrubbing.
#[test]
fn secrets_are_scrubbed_in_their_json_escaped_form_too() {
    let secret = r#"Ab1"quoted\slash"#;
    let body = serde_json::json!({
        "type": "https://developer.nexmo.com/api-errors#validation",
        "title": "Bad Request",
        "detail": format!("secret {secret} refused"),
        "invalid_parameters": {"secret": {"given": secret}},
    })
    .to_string();
    let escaped = r#"Ab1\"quoted\\slash"#;
    let headers = Default::default();
    let err = error_response(400, &headers, body.as_bytes(), "abcd1234", &[secret]);
    assert!(matches!(err, Error::Validation { .. }), "{err:?}");
    let logged = logged_error_body(body.as_bytes(), &[secret]);
    for text in [err.to_string(), format!("{err:?}"), logged] {
        assert!(!text.contains(secret) && !text.contains(escaped), "{text}");
        assert!(text.contains("[redacted]"), "{text}");
    }
    // Not JSON at all: the escaped spelling is scrubbed as well.
    let logged = logged_error_body(format!("oops {escaped}").as_bytes(), &[secret]);
    assert_eq!(logged, "oops [redacted]");
}

/// vonage_error_body: a `Retry-After` header that is not visible ASCII is ignored, as the
/// client reads headers; delta-seconds are honoured exactly.
#[test]
fn retry_after_headers_as_the_client_reads_them() {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("retry-after", "9999 \u{2004}".parse().unwrap());
    let err = error_response(429, &headers, b"", "abcd1234", &[]);
    assert_eq!(err, Error::RateLimited { retry_after: None });
    headers.insert("retry-after", " 9999 ".parse().unwrap());
    let err = error_response(429, &headers, b"", "abcd1234", &[]);
    let retry_after = Some(Duration::from_secs(9999));
    assert_eq!(err, Error::RateLimited { retry_after });
}

/// schema_values (seen writing it): a timeout too long for `Duration`
/// (`99999999999999999999h`) panicked in validation; it is an "Invalid timeout" at its path
/// like any other bad duration.
#[test]
fn a_timeout_beyond_any_duration_is_a_diagnostic() {
    let provider = VonageProvider;
    let settings = provider
        .resources()
        .into_iter()
        .find(|r| r.type_name() == "vonage_account_settings")
        .unwrap();
    let ty = settings.schema().value_type();
    let timeouts = object([("create", Value::string("99999999999999999999h"))]);
    let config = object([("timeouts", timeouts)]).conform(&ty).unwrap();
    let diags = settings.validate(&config, true);
    let d = diags
        .iter()
        .find(|d| d.severity == Severity::Error)
        .expect("an error");
    let path = d.path.as_ref().expect("a path");
    assert_eq!(
        path.0,
        [
            PathStep::Attribute("timeouts".into()),
            PathStep::Attribute("create".into())
        ]
    );
}

/// Every target: a seed's first byte picks a schema by its place in the provider's catalogue
/// (`fuzz_support::catalogue`), and `fuzz/make_seeds.py` names them in `SCHEMAS`. When the
/// provider gained types, seeds fed the wrong schemas; the two lists must stay in step.
#[test]
fn the_seed_writer_names_the_schemas_in_the_fuzzers_order() {
    let p = VonageProvider;
    let mut expected = vec!["provider".to_owned()];
    expected.extend(p.resources().iter().map(|r| r.type_name().to_owned()));
    expected.extend(p.data_sources().iter().map(|d| d.type_name().to_owned()));
    expected.extend(
        p.ephemeral_resources()
            .iter()
            .map(|e| e.type_name().to_owned()),
    );
    let script =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/make_seeds.py"))
            .unwrap();
    let list = script
        .split_once("SCHEMAS = [")
        .and_then(|(_, rest)| rest.split_once(']'))
        .expect("a SCHEMAS list in make_seeds.py")
        .0;
    let named: Vec<String> = list
        .split('"')
        .skip(1)
        .step_by(2)
        .map(|n| {
            let n = n.strip_prefix("data.").unwrap_or(n);
            n.strip_prefix("ephemeral.").unwrap_or(n).to_owned()
        })
        .collect();
    assert_eq!(named, expected);
}
