# Adopt an existing Vonage account with `terraform query`: the README's walkthrough
# ("Adopt an existing Vonage account in five minutes") runs in this directory.
# Credentials come from VONAGE_API_KEY and VONAGE_API_SECRET.
provider "vonage" {}
