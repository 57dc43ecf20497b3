# The support team's subaccount answers on +44 7700 900123, a number the primary holds: apply
# moves it to the subaccount, destroy moves it back to the primary.
resource "vonage_subaccount" "support" {
  name = "acme-support"
}

resource "vonage_subaccount_number" "support" {
  api_key = vonage_subaccount.support.api_key
  number  = "+447700900123"
  country = "GB"
}

# Where the number is, as Vonage last showed it: the subaccount's key once applied.
output "support_number_held_by" {
  value = vonage_subaccount_number.support.held_by
}
