# The import ID is <api_key>/<secret_id>. Nothing secret is imported: the value is never readable.
terraform import vonage_api_secret.this abcd1234/ad6dc56f-07b5-46e1-a527-85530e625800
