# The module against vonage-sandbox: the real provider, with its plan-time checks and the API's rules, offline.
# Start a sandbox whose primary account has a credit line (the second run needs one), then run the tests:
#
#   vonage-sandbox --credit-limit 100 &     # http://127.0.0.1:8080, api key abcd1234, secret SandboxSecret1
#   terraform test -filter=tests/sandbox.tftest.hcl
#
# A sandbox elsewhere, or with other credentials: set the variables below, e.g.
#
#   terraform test -filter=tests/sandbox.tftest.hcl -var=sandbox_url=http://127.0.0.1:9000
#
# The provider is configured from these variables only, never from VONAGE_* in the environment, so these tests
# cannot reach a real Vonage account.

# Test-file variables (Terraform 1.13+), typed, so -var and TF_VAR_ values are plain strings.
variable "sandbox_url" {
  type    = string
  default = "http://127.0.0.1:8080"
}

variable "sandbox_api_key" {
  type    = string
  default = "abcd1234"
}

variable "sandbox_api_secret" {
  type      = string
  default   = "SandboxSecret1"
  sensitive = true
}

provider "vonage" {
  api_key    = var.sandbox_api_key
  api_secret = var.sandbox_api_secret
  api_url    = var.sandbox_url
  rest_url   = var.sandbox_url
}

run "a_team_spends_the_primary_balance" {
  variables {
    team = "search"
  }

  assert {
    condition     = length(output.api_key) == 8 && !output.own_balance
    error_message = "The sandbox made a subaccount (an 8-character api key) that spends the primary's balance."
  }
  assert {
    condition     = vonage_subaccount.team.primary_account_api_key == var.sandbox_api_key
    error_message = "The subaccount belongs to the sandbox's primary account."
  }
}

run "a_credit_limit_gives_the_team_its_own_balance" {
  variables {
    team         = "payments"
    credit_limit = 25
  }

  assert {
    condition     = output.own_balance && vonage_subaccount.team.credit_limit == 25
    error_message = "The subaccount has its own balance and 25 EUR of the primary's credit line."
  }
  assert {
    condition     = vonage_subaccount.team.balance == 0
    error_message = "A new own balance starts at zero."
  }
}
