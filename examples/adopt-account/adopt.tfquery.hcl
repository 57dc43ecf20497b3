# What to adopt: every subaccount, and every API secret of the account the provider
# authenticates with. That second list includes the provider's own secret: never destroy it
# once adopted (see the README).
list "vonage_subaccount" "all" {
  provider = vonage
}

list "vonage_api_secret" "primary" {
  provider = vonage
}
