# Terraform 1.5+: import with a block instead of the CLI command.
import {
  to = vonage_api_secret.this
  id = "abcd1234/ad6dc56f-07b5-46e1-a527-85530e625800"
}
