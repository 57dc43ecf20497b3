# terraform query: the API secrets of the provider's own account, and of one subaccount.
# The first list includes the secret the provider authenticates with: see the warning below.
list "vonage_api_secret" "own" {
  provider = vonage
}

list "vonage_api_secret" "payments" {
  provider = vonage

  config {
    api_key = "bbe6222f"
  }
}
