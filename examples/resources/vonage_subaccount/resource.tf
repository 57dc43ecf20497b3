variable "subaccount_secret" {
  type        = string
  description = "Initial secret of the subaccount: 8-25 characters with lower-case, upper-case and a digit."
  sensitive   = true
  ephemeral   = true
}

# Subaccounts cannot be deleted: destroying this resource suspends the subaccount.
resource "vonage_subaccount" "team" {
  name                        = "team-a"
  use_primary_account_balance = false # gives it its own balance; Vonage cannot undo this
  # 25 EUR of the primary's credit line, allocated (and later raised, lowered or returned)
  # with credit transfers. Needs a primary with a credit line and an own balance.
  credit_limit = 25
  # Used once, when the subaccount is created; rotate secrets later with vonage_api_secret.
  secret_wo = var.subaccount_secret
}

output "subaccount_api_key" {
  value = vonage_subaccount.team.api_key
}
