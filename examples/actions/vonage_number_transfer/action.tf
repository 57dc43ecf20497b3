variable "subaccount_api_key" {
  type        = string
  description = "API key of the subaccount that lends its number back to the primary."
}

# Move a number from a subaccount back to the primary, once, by hand:
#   terraform apply -invoke=action.vonage_number_transfer.reclaim
# The plan refuses the move when the subaccount does not hold the number. To keep a number with a
# subaccount, declare it with vonage_subaccount_number instead.
data "vonage_subaccount" "lender" {
  api_key = var.subaccount_api_key
}

action "vonage_number_transfer" "reclaim" {
  config {
    from    = data.vonage_subaccount.lender.api_key
    to      = data.vonage_subaccount.lender.primary_account_api_key
    number  = "447700900123"
    country = "GB"
  }
}
