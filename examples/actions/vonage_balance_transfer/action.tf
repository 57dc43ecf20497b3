# A subaccount with its own balance, funded with 10 EUR from the primary right after it is
# created. The action runs once, when the subaccount is created; later applies leave it alone.
resource "vonage_subaccount" "shop" {
  name                        = "shop"
  use_primary_account_balance = false

  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.vonage_balance_transfer.welcome]
    }
  }
}

action "vonage_balance_transfer" "welcome" {
  config {
    from   = vonage_subaccount.shop.primary_account_api_key
    to     = vonage_subaccount.shop.api_key
    amount = 10
    # reference is optional; left out, the provider sets a unique one.
    reference = "welcome credit for the shop"
  }
}

# Run it again by hand (another 10 EUR) with:
#   terraform apply -invoke=action.vonage_balance_transfer.welcome
