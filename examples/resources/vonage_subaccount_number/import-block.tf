# Terraform 1.5+: import with a block instead of the CLI command.
import {
  to = vonage_subaccount_number.support
  id = "bbe6222f/447700900123"
}
