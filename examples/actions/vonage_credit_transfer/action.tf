variable "subaccount_api_key" {
  type        = string
  description = "API key of a subaccount with its own balance."
}

# Lend a subaccount 50 EUR of the primary's credit line, once, by hand:
#   terraform apply -invoke=action.vonage_credit_transfer.lend
# To keep a subaccount's credit at a declared amount instead, set credit_limit on its
# vonage_subaccount.
data "vonage_subaccount" "target" {
  api_key = var.subaccount_api_key
}

action "vonage_credit_transfer" "lend" {
  config {
    from   = data.vonage_subaccount.target.primary_account_api_key
    to     = data.vonage_subaccount.target.api_key
    amount = 50
  }
}
