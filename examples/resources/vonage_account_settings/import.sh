# The import ID is the account's API key.
terraform import vonage_account_settings.this abcd1234
