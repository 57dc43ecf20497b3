# The module's logic, with a mocked provider: no network, no credentials, no sandbox. Terraform asks the real
# provider for its schema only; every value a resource computes (api_key here) comes from the mock.
#
#   terraform test -filter=tests/mocked.tftest.hcl

mock_provider "vonage" {
  mock_resource "vonage_subaccount" {
    defaults = {
      api_key                 = "a1b2c3d4"
      primary_account_api_key = "abcd1234"
    }
  }
}

run "a_team_spends_the_primary_balance" {
  command = plan

  variables {
    team = "search"
  }

  assert {
    condition     = vonage_subaccount.team.name == "acme-search"
    error_message = "The subaccount is named acme-<team>."
  }
  assert {
    condition     = vonage_subaccount.team.use_primary_account_balance
    error_message = "Without a credit limit, the team spends the primary's balance."
  }
}

run "a_credit_limit_gives_the_team_its_own_balance" {
  command = apply

  variables {
    team         = "payments"
    credit_limit = 25
  }

  assert {
    condition     = output.own_balance && vonage_subaccount.team.credit_limit == 25
    error_message = "A credit limit gives the team its own balance and that credit."
  }
  assert {
    condition     = output.api_key == "a1b2c3d4"
    error_message = "The api_key output is the subaccount's (the mock's value)."
  }
}

run "a_team_name_with_capitals_is_refused" {
  command = plan

  variables {
    team = "Payments"
  }

  expect_failures = [var.team]
}
