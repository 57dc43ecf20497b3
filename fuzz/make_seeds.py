#!/usr/bin/env python3
"""make_seeds.py: write the hand-made starting inputs of each fuzz target to fuzz/seeds/<target>/.

Seeds are small valid inputs (a provider configuration, a state, an API answer) so the fuzzers start
from the shapes the code expects rather than from nothing. Inputs a fuzzer found (crashes that were
fixed) are kept beside them as `regression-*` files and are not written by this script.

The first byte of a cty input picks a type from fuzz_support::catalogue(), whose order CATALOGUE
below mirrors (the provider block, the resources, data sources and ephemeral resources in the
provider's order, then types of the codec's rules); schema_values picks from the schemas alone, in the
same order. When the provider gains a type, update CATALOGUE and run this again.
Run it again after changing a seed; it only adds and overwrites `seed-*` files.
"""

import json
import struct
from pathlib import Path

SEEDS = Path(__file__).resolve().parent / "seeds"

UNKNOWN = object()

# fuzz_support::catalogue(), in order: VonageProvider's schema, resources(), data_sources(),
# ephemeral_resources(), then the rule types.
SCHEMAS = ["provider", "vonage_account_settings", "vonage_api_secret", "vonage_api_secret_rotation",
           "vonage_subaccount", "vonage_subaccount_number", "vonage_balance", "vonage_api_secrets",
           "data.vonage_subaccount", "vonage_subaccounts", "vonage_balance_transfers", "vonage_credit_transfers",
           "vonage_numbers", "vonage_generated_secret", "ephemeral.vonage_api_secret"]
CATALOGUE = SCHEMAS + ["dynamic", "number", "string", "list(dynamic)", "map(number)", "set(object)", "tuple",
                       "object(d, m)"]


def at(name: str, *rest: int) -> bytes:
    """The selector byte of the catalogue's `name` (then any further bytes)."""
    return bytes([CATALOGUE.index(name), *rest])


class Bin(bytes):
    pass


def mp(v) -> bytes:
    """A minimal msgpack encoder: enough for cty values (nil, bool, int, float, str, bin, array, map)."""
    if v is None:
        return b"\xc0"
    if v is UNKNOWN:
        return b"\xd4\x00\x00"
    if v is True:
        return b"\xc3"
    if v is False:
        return b"\xc2"
    if isinstance(v, int):
        if 0 <= v < 128:
            return bytes([v])
        return b"\xd3" + struct.pack(">q", v)
    if isinstance(v, float):
        return b"\xcb" + struct.pack(">d", v)
    if isinstance(v, Bin):
        return b"\xc4" + bytes([len(v)]) + bytes(v)
    if isinstance(v, str):
        b = v.encode()
        return (bytes([0xA0 | len(b)]) if len(b) < 32 else b"\xd9" + bytes([len(b)])) + b
    if isinstance(v, (list, tuple)):
        return bytes([0x90 | len(v)]) + b"".join(mp(x) for x in v)
    if isinstance(v, dict):
        return bytes([0x80 | len(v)]) + b"".join(mp(k) + mp(x) for k, x in v.items())
    raise TypeError(v)


def dyn(type_json, value) -> list:
    return [Bin(json.dumps(type_json, separators=(",", ":")).encode()), value]


TIMEOUTS = {"create": "2m", "update": None, "delete": None}
PROVIDER = {"api_key": "abcd1234", "api_secret": "Sandbox1Secret", "api_url": "http://127.0.0.1:1",
            "rest_url": None, "ca_cert_pem": None, "max_retries": 3, "request_timeout_seconds": 1.5,
            "rate_limit_per_second": "0.5"}
SETTINGS = {"id": UNKNOWN, "api_key": UNKNOWN, "mo_callback_url": "https://example.com/mo",
            "dr_callback_url": None, "http_forward_method": "POST", "max_outbound_request": UNKNOWN,
            "max_inbound_request": UNKNOWN, "max_calls_per_second": UNKNOWN, "timeouts": TIMEOUTS}
SECRET = {"id": UNKNOWN, "api_key": None, "secret_wo": "Abcdefgh1", "secret_wo_version": 1,
          "secret": None, "created_at": UNKNOWN, "timeouts": None}
SUBACCOUNT = {"api_key": UNKNOWN, "name": "team-a", "use_primary_account_balance": False,
              "suspended": None, "secret_wo": None, "primary_account_api_key": UNKNOWN,
              "balance": UNKNOWN, "credit_limit": UNKNOWN, "created_at": UNKNOWN, "timeouts": None}

CTY_MSGPACK = {
    "provider": at("provider") + mp(PROVIDER),
    "settings": at("vonage_account_settings") + mp(SETTINGS),
    "secret": at("vonage_api_secret") + mp(SECRET),
    "subaccount": at("vonage_subaccount") + mp(SUBACCOUNT),
    "generated-secret": at("vonage_generated_secret") + mp({"length": 20, "value": UNKNOWN}),
    "dynamic-string": at("dynamic") + mp(dyn("string", "hi")),
    "dynamic-object": at("dynamic") + mp(dyn(["object", {"a": ["list", "number"]}], {"a": [1, "1.1"]})),
    "decimal": at("number") + mp("1.10000000000000000000001"),
    "float": at("number") + mp(0.5),
    "infinity": at("number") + mp(float("inf")),
    "big-int": at("number") + b"\xcf" + struct.pack(">Q", 2**64 - 1),
    "refined-unknown": at("string") + b"\xc7\x03\x0c\x81\x01\xc2",
    "list-dynamic": at("list(dynamic)") + mp([dyn("bool", True), None, UNKNOWN]),
    "map-number": at("map(number)") + mp({"a": 1, "b": "2e3"}),
    "set-object": at("set(object)") + mp([{"a": "x", "n": 1}, {"a": None, "n": UNKNOWN}]),
    "tuple": at("tuple") + mp([True, dyn("number", 7), [1, 2]]),
    "object": at("object(d, m)") + mp({"d": dyn(["map", "string"], {"k": "v"}), "m": {"k": ["x", None]}}),
}

CTY_JSON = {
    "provider": at("provider") + json.dumps({"api_key": "abcd1234", "max_retries": 3}).encode(),
    "secret-state": at("vonage_api_secret") + json.dumps({"id": "ad6dc56f", "api_key": "abcd1234", "secret_wo": None,
                                             "created_at": "2024-08-28T14:11:32Z"}).encode(),
    "dynamic": at("dynamic") + b'{"type":["list","string"],"value":["a"]}',
    "decimal": at("number") + b"1.10000000000000000000001",
    "string-number": at("number") + b'"+5"',
    "object": at("object(d, m)") + b'{"d":{"type":"number","value":1},"m":{"k":["x"]},"gone":true}',
}

SUBACCOUNT_STATE = {"api_key": "bbbb2222", "name": "team-a", "use_primary_account_balance": True,
                    "suspended": False, "secret_wo": None, "primary_account_api_key": "abcd1234",
                    "balance": None, "credit_limit": None, "created_at": "2024-08-28T14:11:32Z",
                    "timeouts": None}
# Byte 1 of a schema_values input: even = a configuration (bit 1: write-only allowed); odd = a
# stored state, with schema version ((mode >> 1) & 3) - 1 and bit 7 = flatmap.
SCHEMA_VALUES = {
    "provider-config": at("provider", 2) + mp(PROVIDER),
    "settings-config": at("vonage_account_settings", 2) + mp(SETTINGS),
    "secret-config": at("vonage_api_secret", 2) + mp(SECRET),
    "subaccount-config": at("vonage_subaccount", 2) + mp(SUBACCOUNT),
    "balance-config": at("vonage_balance", 0) + mp({"api_key": None, "value": UNKNOWN, "auto_reload": UNKNOWN}),
    "generated-secret-config": at("vonage_generated_secret", 0) + mp({"length": 20, "value": UNKNOWN}),
    # Found by tests/acceptance/test_bad_input_corpus.py: a fraction read as a provider bug.
    "generated-secret-fractional-length": at("vonage_generated_secret", 0) + mp({"length": 10.5, "value": None}),
    "subaccount-state-v0": at("vonage_subaccount", 3) + json.dumps(SUBACCOUNT_STATE).encode(),
    "settings-timeout-beyond-duration": at("vonage_account_settings", 2) + mp(dict(SETTINGS, timeouts=dict(TIMEOUTS, create="99999999999999999999h"))),
    "secret-state-v0": at("vonage_api_secret", 3) + json.dumps({"id": "ad6dc56f", "api_key": "abcd1234",
                                                   "created_at": "2024-08-28T14:11:32Z"}).encode(),
}

SUB = {"api_key": "bbbb2222", "primary_account_api_key": "abcd1234", "use_primary_account_balance": False,
       "name": "team-a", "balance": 12.5, "credit_limit": -10, "suspended": False,
       "created_at": "2024-08-28T14:11:32.000Z"}
LINKS = {"self": {"href": "https://api.nexmo.com/x"}}
TRANSFER = {"id": "297016d2", "from": "abcd1234", "to": "bbbb2222", "amount": 1.5, "reference": "r",
            "created_at": "2024-08-28T14:11:32.000Z", "_links": LINKS}
# Byte 0 of a vonage_success_body input picks the body, in SuccessBody::ALL's order.
SUCCESS = [
    {"value": 10.28, "autoReload": False},
    {"mo-callback-url": "https://example.com/mo", "dr-callback-url": "", "http-forward-method": "POST",
     "max-outbound-request": 30, "max-inbound-request": 30, "max-calls-per-second": 30},
    {"_links": LINKS, "_embedded": {"secrets": [{"_links": LINKS, "id": "ad6dc56f",
                                                 "created_at": "2017-03-02T16:34:49Z"}]}},
    {"_links": LINKS, "id": "ad6dc56f", "created_at": "2017-03-02T16:34:49Z"},
    {"_links": LINKS, "total_balance": 22.5, "total_credit_limit": -10,
     "_embedded": {"primary_account": {"api_key": "abcd1234", "name": None, "balance": 10, "credit_limit": 0,
                                       "suspended": False, "created_at": "2018-03-02T16:34:49.000Z"},
                   "subaccounts": [SUB]}},
    dict(SUB, secret="Gener4tedSecret"),
    SUB,
    {"_links": LINKS, "_embedded": {"credit_transfers": [TRANSFER]}},
    {"_links": LINKS, "_embedded": {"balance_transfers": [TRANSFER]}},
    TRANSFER,
    {"number": "447700900000", "country": "GB", "from": "abcd1234", "to": "bbbb2222"},
]

# vonage_error_body: 2 bytes of status, a Retry-After value (its length first), the two secrets
# (a length, then characters), then the body, where $S and $T stand for the secrets.
def error_seed(status_byte: int, retry_after: bytes, body: str) -> bytes:
    return bytes([0, status_byte, len(retry_after)]) + retry_after + bytes([4]) + b"abcd" + bytes([5]) \
        + b"efgh!" + body.encode()


ERRORS = {
    "problem": error_seed(100, b"", json.dumps({
        "type": "https://developer.nexmo.com/api-errors/account/secret-management#validation",
        "title": "Bad Request", "detail": "secret $S is weak",
        "invalid_parameters": [{"name": "secret", "reason": "$S does not meet complexity requirements"}]})),
    "map-parameters": error_seed(100, b"", json.dumps({
        "type": "BAD_REQUEST", "error_title": "Bad Request",
        "invalid_parameters": {"secret": {"given": "$T"}, "trx": "Is required."}})),
    "legacy": error_seed(101, b"", json.dumps({"error-code": "401", "error-code-label": "authentication failed"})),
    "rate-limited": error_seed(129, b"2", ""),
    "rate-limited-date": error_seed(129, b"Wed, 21 Oct 2015 07:28:00 GMT", "<html>$S</html>"),
    "last-secret": error_seed(103, b"", json.dumps({
        "type": "https://developer.nexmo.com/api-errors/account/secret-management#delete-last-secret",
        "title": "Secret Deletion Forbidden", "detail": "Can not delete the last secret."})),
}

RETRY_AFTER = {"seconds": b"3", "fraction": b"1.5", "date": b"Wed, 21 Oct 2015 07:28:10 GMT",
               "spaces": b"  120  ", "negative": b"-1"}


def write(target: str, seeds: dict) -> None:
    folder = SEEDS / target
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in seeds.items():
        (folder / f"seed-{name}").write_bytes(data)


def main() -> None:
    write("cty_msgpack", CTY_MSGPACK)
    write("cty_json", CTY_JSON)
    write("schema_values", SCHEMA_VALUES)
    write("vonage_success_body", {f"{i:02}": bytes([i]) + json.dumps(b).encode() for i, b in enumerate(SUCCESS)})
    write("vonage_error_body", ERRORS)
    write("vonage_retry_after", RETRY_AFTER)


if __name__ == "__main__":
    main()
