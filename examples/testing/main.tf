# A small module on top of this provider, with its tests: one team's subaccount, spending the primary account's
# balance or, given a credit limit, with its own balance and that much of the primary's credit line.
#
# tests/mocked.tftest.hcl tests it with a mocked provider (no network, no credentials); tests/sandbox.tftest.hcl
# against vonage-sandbox. docs/guides/testing-modules.md explains both and when to use each.

variable "team" {
  type        = string
  description = "The team's name: lower-case letters, digits and dashes. Its subaccount is named acme-<team>."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]*$", var.team))
    error_message = "The team's name must be lower-case letters, digits and dashes, starting with a letter."
  }
}

variable "credit_limit" {
  type        = number
  description = "EUR of the primary's credit line to give the team, with a balance of its own; null: the team spends the primary's balance."
  default     = null
}

resource "vonage_subaccount" "team" {
  name                        = "acme-${var.team}"
  use_primary_account_balance = var.credit_limit == null
  credit_limit                = var.credit_limit
}

output "api_key" {
  description = "The team's subaccount API key."
  value       = vonage_subaccount.team.api_key
}

output "own_balance" {
  description = "Whether the team has a balance of its own."
  value       = !vonage_subaccount.team.use_primary_account_balance
}
