"""Keys and tokens the tests plant, built from pieces so that secret scanners do not flag this repository."""

API_KEY = "test-key-" + "0123456789"
GOOGLE_KEY = "AIza" + "SyD3m0" + "qW7eRt9YuI1oP4aS6dF8gH0jK2lZ5"
GITHUB_TOKEN = "ghp_" + "A1b2C3d4" * 4 + "XyZw"
