"""Every call of the official Python SDK's account and subaccounts surface, in a seeded, shuffled order.

An order is one run of every step below against a freshly reset sandbox. The next step is drawn (from
`random.Random(seed)`) among the steps whose inputs exist: a secret is fetched after it is made, money comes
back from a subaccount after it went there. A small model of the account predicts each answer, so a step
checks the sandbox whatever ran before it. A refusal is expected only where Vonage refuses, and its body is
compared with Vonage's recorded one (`tests/clients/refusals.json`).

The orders to run come from the environment, so that `make test` and the longer CI step share the tests:
SDK_ORDERS (how many, default 3) and SDK_ORDER_SEED (the first seed, default 1; the others follow it).
A failing order names its seed, its mode and the calls it made, and how to run it alone.

The surface is every method of `vonage.Vonage().account` and `.subaccounts`, and the Numbers API's
`numbers.list_owned_numbers` (for the primary, and for a subaccount with the primary's secret), except the three
pricing calls
(`get_country_pricing`, `get_all_countries_pricing`, `get_prefix_pricing`): the sandbox emulates the
Account and Subaccounts APIs, not the Pricing API.
"""

from __future__ import annotations

import json
import os
import pathlib
import random
import re
from decimal import Decimal

from vonage import Auth, HttpClientOptions, Vonage
from vonage_http_client.errors import HttpRequestError
from vonage_numbers import ListOwnedNumbersFilter
from vonage_subaccounts import (
    ListTransfersFilter,
    ModifySubaccountOptions,
    SubaccountOptions,
    TransferNumberRequest,
    TransferRequest,
)

KEY = "abcd1234"
SECRET = "SandboxSecret1"
REFUSALS = json.loads((pathlib.Path(__file__).resolve().parents[1] / "refusals.json").read_text())
EPOCH = "2020-01-01T00:00:00Z"
NUMBER = "447700900123"


def order_seeds() -> list[int]:
    """The seeds of the orders to run (SDK_ORDERS of them, from SDK_ORDER_SEED)."""
    count = int(os.environ.get("SDK_ORDERS", "3"))
    first = int(os.environ.get("SDK_ORDER_SEED", "1"))
    return list(range(first, first + count))


def _detail_pattern(template: str) -> re.Pattern:
    return re.compile(".+?".join(re.escape(part) for part in re.split(r"\{\w+\}", template)), re.S)


def check_refusal(name: str, status: int, body) -> None:
    """Fails unless (status, body) is Vonage's refusal `name` as its sources record it."""
    expected = REFUSALS[name]
    assert status == expected["status"], f"{name}: status {status}, Vonage answers {expected['status']}: {body}"
    if "legacy" in expected:
        assert body == expected["legacy"], f"{name}: {body} is not Vonage's {expected['legacy']}"
        return
    assert body["type"].endswith(expected["type"]), f"{name}: type {body['type']}"
    assert body["title"] == expected["title"], f"{name}: title {body['title']!r}"
    assert _detail_pattern(expected["detail"]).fullmatch(body["detail"]), f"{name}: detail {body['detail']!r}"
    if "invalid_parameters" in expected:
        assert body["invalid_parameters"] == expected["invalid_parameters"], f"{name}: {body['invalid_parameters']}"


STEPS = []


def step(ready=lambda order: True):
    """Registers a step; `ready(order)` says whether its inputs exist yet."""
    def register(function):
        STEPS.append((function.__name__, ready, function))
        return function
    return register


def own_ready(order) -> bool:
    return order.own is not None


def own_active(order) -> bool:
    return order.own is not None and not order.own["suspended"]


class Order:
    """One shuffled run; `sandbox` has `hostport`, `base` and `admin(method, path, json)`."""

    def __init__(self, sandbox, seed: int, mode: str):
        self.sandbox = sandbox
        self.seed = seed
        self.mode = mode
        self.calls: list[str] = []
        self.client = self.client_as(KEY, SECRET)
        # The model: what the primary and its two subaccounts hold.
        self.balance = Decimal(100)
        self.credit_limit = Decimal(-100)
        self.auto_reload = False
        self.trx = None
        self.settings = {"mo": "", "dr": ""}
        self.secret_ids: list[str] | None = None  # learnt at the first listing
        self.secret_count = 1
        self.made_secret = None
        self.made_secret_revoked = False
        self.own = None
        self.shared = None
        self.balance_transfers: list[str] = []
        self.credit_transfers: list[str] = []
        self.number_owner = None

    def client_as(self, key: str, secret: str) -> Vonage:
        options = HttpClientOptions(api_host=self.sandbox.hostport, rest_host=self.sandbox.hostport,
                                    timeout=10, max_retries=0)
        return Vonage(Auth(api_key=key, api_secret=secret), options)

    def webhook(self, name: str) -> str:
        return f"{self.sandbox.base}/_sandbox/webhooks/{name}"

    def refused(self, name: str, call) -> None:
        try:
            call()
        except HttpRequestError as error:
            check_refusal(name, error.response.status_code, error.response.json())
            return
        raise AssertionError(f"the call succeeded; Vonage refuses it ({name})")

    def run(self) -> None:
        rng = random.Random(self.seed)
        pending = list(STEPS)
        while pending:
            runnable = [s for s in pending if s[1](self)]
            if not runnable:
                raise self.failure(f"no step can run; left: {[s[0] for s in pending]}")
            chosen = rng.choice(runnable)
            pending.remove(chosen)
            self.calls.append(chosen[0])
            try:
                chosen[2](self)
            except Exception as error:
                raise self.failure(f"{type(error).__name__}: {error}") from error

    def failure(self, what: str) -> AssertionError:
        sequence = "\n".join(f"  {i + 1:2}. {name}" for i, name in enumerate(self.calls))
        return AssertionError(
            f"order {self.seed} ({self.mode}) failed at call {len(self.calls)} ({self.calls[-1] if self.calls else '-'}):"
            f" {what}\ncall sequence:\n{sequence}\nrun it alone: SDK_ORDER_SEED={self.seed} SDK_ORDERS=1")

    # ---- account: balance, top-up, settings -------------------------------------------------------------------

    @step()
    def get_balance(self):
        balance = self.client.account.get_balance()
        assert Decimal(str(balance.value)) == self.balance, (balance.value, self.balance)
        assert balance.auto_reload is self.auto_reload

    @step()
    def charge_auto_reload(self):
        """Admin: the payment that switches auto-reload on (its trx is what top-up needs)."""
        charge = self.sandbox.admin("POST", f"/_sandbox/accounts/{KEY}/auto-reload-charges", {"amount": 10})
        self.trx = charge["trx"]
        self.auto_reload = True
        self.balance += 10

    @step()
    def top_up(self):
        if self.trx is None:
            self.refused("not-auto-reload-enabled", lambda: self.client.account.top_up("no-payment-yet"))
            return
        answer = self.client.account.top_up(self.trx)
        assert (answer.error_code, answer.error_code_label) == ("200", "success")
        self.balance += 10

    @step()
    def set_callbacks(self):
        mo, dr = self.webhook("inbound-sms"), self.webhook("delivery-receipt")
        settings = self.client.account.update_default_sms_webhook(mo_callback_url=mo, dr_callback_url=dr)
        assert (settings.mo_callback_url, settings.dr_callback_url) == (mo, dr)
        self.settings = {"mo": mo, "dr": dr}

    @step()
    def read_callbacks(self):
        settings = self.client.account.update_default_sms_webhook()
        assert (settings.mo_callback_url, settings.dr_callback_url) == (self.settings["mo"], self.settings["dr"])
        assert settings.max_calls_per_second == 30

    @step()
    def unset_inbound_callback(self):
        settings = self.client.account.update_default_sms_webhook(mo_callback_url="")
        assert (settings.mo_callback_url, settings.dr_callback_url) == ("", self.settings["dr"])
        self.settings["mo"] = ""

    # ---- account: secrets ---------------------------------------------------------------------------------------

    @step()
    def list_secrets(self):
        ids = [s.id for s in self.client.account.list_secrets()]
        assert len(ids) == self.secret_count, (ids, self.secret_count)
        if self.made_secret:
            assert (self.made_secret in ids) is not self.made_secret_revoked

    @step()
    def create_secret(self):
        made = self.client.account.create_secret("OrderSecret123")
        self.made_secret = made.id
        self.secret_count += 1

    @step(ready=lambda o: o.made_secret is not None)
    def create_one_more_secret(self):
        if self.secret_count >= 2:
            self.refused("add-excess-secret", lambda: self.client.account.create_secret("OneMore12345"))
            return
        self.client.account.create_secret("OneMore12345")
        self.secret_count += 1

    @step(ready=lambda o: o.made_secret is not None)
    def get_secret(self):
        if self.made_secret_revoked:
            self.refused("invalid-id", lambda: self.client.account.get_secret(self.made_secret))
            return
        assert self.client.account.get_secret(self.made_secret).id == self.made_secret

    @step(ready=lambda o: o.made_secret is not None)
    def revoke_secret(self):
        assert self.client.account.revoke_secret(self.made_secret) is None
        self.made_secret_revoked = True
        self.secret_count -= 1

    @step(ready=own_active)
    def subaccount_revokes_its_last_secret(self):
        own = self.client_as(self.own["key"], self.own["secret"])
        [only] = own.account.list_secrets()
        self.refused("delete-last-secret", lambda: own.account.revoke_secret(only.id))

    @step(ready=own_active)
    def subaccount_reads_its_balance(self):
        own = self.client_as(self.own["key"], self.own["secret"])
        assert Decimal(str(own.account.get_balance().value)) == self.own["balance"]

    # ---- subaccounts ------------------------------------------------------------------------------------------

    @step()
    def list_subaccounts(self):
        listed = self.client.subaccounts.list_subaccounts()
        assert listed.primary_account.api_key == KEY
        expected = {s["key"] for s in (self.own, self.shared) if s}
        assert {s.api_key for s in listed.subaccounts} == expected
        own_balance = self.own["balance"] if self.own else 0
        own_credit = self.own["credit_limit"] if self.own else 0
        assert Decimal(str(listed.total_balance)) == self.balance + own_balance
        assert Decimal(str(listed.total_credit_limit)) == self.credit_limit + own_credit
        assert Decimal(str(listed.primary_account.balance)) == self.balance

    @step()
    def create_own_balance_subaccount(self):
        made = self.client.subaccounts.create_subaccount(
            SubaccountOptions(name="own balance", secret="OwnBalance123", use_primary_account_balance=False))
        assert made.use_primary_account_balance is False and made.balance == 0
        assert made.secret == "OwnBalance123"
        self.own = {"key": made.api_key, "secret": made.secret, "name": "own balance", "suspended": False,
                    "balance": Decimal(0), "credit_limit": Decimal(0)}

    @step()
    def create_shared_subaccount(self):
        made = self.client.subaccounts.create_subaccount(SubaccountOptions(name="shared"))
        assert made.use_primary_account_balance is True
        assert made.balance is None and made.credit_limit is None
        self.shared = {"key": made.api_key}

    @step(ready=own_ready)
    def get_subaccount(self):
        got = self.client.subaccounts.get_subaccount(self.own["key"])
        assert (got.name, got.suspended) == (self.own["name"], self.own["suspended"])
        assert Decimal(str(got.balance)) == self.own["balance"]
        assert Decimal(str(got.credit_limit)) == self.own["credit_limit"]

    @step(ready=own_ready)
    def rename_subaccount(self):
        got = self.client.subaccounts.modify_subaccount(self.own["key"], ModifySubaccountOptions(name="renamed"))
        assert got.name == "renamed"
        self.own["name"] = "renamed"

    @step(ready=own_active)
    def suspend_subaccount(self):
        got = self.client.subaccounts.modify_subaccount(self.own["key"], ModifySubaccountOptions(suspended=True))
        assert got.suspended is True
        self.own["suspended"] = True

    @step(ready=lambda o: o.own is not None and o.own["suspended"])
    def reactivate_subaccount(self):
        got = self.client.subaccounts.modify_subaccount(self.own["key"], ModifySubaccountOptions(suspended=False))
        assert got.suspended is False
        self.own["suspended"] = False

    @step(ready=own_ready)
    def share_the_primary_balance_again(self):
        self.refused("balance-mode-irreversible", lambda: self.client.subaccounts.modify_subaccount(
            self.own["key"], ModifySubaccountOptions(use_primary_account_balance=True)))

    # ---- transfers --------------------------------------------------------------------------------------------

    @step(ready=own_ready)
    def transfer_balance_to_subaccount(self):
        made = self.client.subaccounts.transfer_balance(
            TransferRequest(from_=KEY, to=self.own["key"], amount=12.5, reference="to the subaccount"))
        assert (made.from_, made.to, made.amount) == (KEY, self.own["key"], 12.5)
        self.balance_transfers.append(made.id)
        self.balance -= Decimal("12.5")
        self.own["balance"] += Decimal("12.5")

    @step(ready=lambda o: len(o.balance_transfers) == 1)
    def transfer_balance_back(self):
        made = self.client.subaccounts.transfer_balance(TransferRequest(from_=self.own["key"], to=KEY, amount=2.5))
        self.balance_transfers.append(made.id)
        self.balance += Decimal("2.5")
        self.own["balance"] -= Decimal("2.5")

    @step(ready=own_ready)
    def transfer_credit_to_subaccount(self):
        made = self.client.subaccounts.transfer_credit(TransferRequest(from_=KEY, to=self.own["key"], amount=30))
        assert made.amount == 30
        self.credit_transfers.append(made.id)
        self.credit_limit += 30
        self.own["credit_limit"] -= 30

    @step(ready=own_ready)
    def transfer_more_than_there_is(self):
        self.refused("insufficient-credit", lambda: self.client.subaccounts.transfer_balance(
            TransferRequest(from_=KEY, to=self.own["key"], amount=1000000)))

    @step()
    def list_balance_transfers(self):
        listed = self.client.subaccounts.list_balance_transfers(ListTransfersFilter(start_date=EPOCH))
        assert [t.id for t in listed] == list(reversed(self.balance_transfers))

    @step(ready=own_ready)
    def list_credit_transfers_of_the_subaccount(self):
        listed = self.client.subaccounts.list_credit_transfers(
            ListTransfersFilter(start_date=EPOCH, subaccount=self.own["key"]))
        assert [t.id for t in listed] == list(reversed(self.credit_transfers))

    @step()
    def give_the_primary_a_number(self):
        """Admin: the primary owns a number (there is no API to buy one here)."""
        self.sandbox.admin("POST", f"/_sandbox/accounts/{KEY}/numbers", {"number": NUMBER, "country": "GB"})
        self.number_owner = KEY

    def move_number(self, to: str):
        source = KEY if to == self.own["key"] else self.own["key"]
        request = TransferNumberRequest(from_=source, to=to, number=NUMBER, country="GB")
        if self.own["suspended"]:
            self.refused("number-transfer-banned", lambda: self.client.subaccounts.transfer_number(request))
        elif self.number_owner == to:
            self.refused("number-transfer-conflict", lambda: self.client.subaccounts.transfer_number(request))
        else:
            moved = self.client.subaccounts.transfer_number(request)
            assert (moved.number, moved.to) == (NUMBER, to)
            self.number_owner = to

    @step(ready=lambda o: o.own is not None and o.number_owner is not None)
    def transfer_number_to_subaccount(self):
        self.move_number(self.own["key"])

    @step(ready=lambda o: o.own is not None and o.number_owner is not None)
    def transfer_number_to_its_owner(self):
        self.move_number(self.number_owner)

    def listed(self, key: str) -> list[str]:
        numbers, count, next_page = self.client_as(key, SECRET).numbers.list_owned_numbers(
            ListOwnedNumbersFilter(pattern=NUMBER, search_pattern=0))
        assert (count, next_page) == (len(numbers), None), (count, next_page, numbers)
        return [n.msisdn for n in numbers]

    @step()
    def list_the_primarys_numbers(self):
        assert self.listed(KEY) == ([NUMBER] if self.number_owner == KEY else [])

    @step(ready=own_ready)
    def list_the_subaccounts_numbers_with_the_primarys_secret(self):
        assert self.listed(self.own["key"]) == ([NUMBER] if self.number_owner == self.own["key"] else [])
