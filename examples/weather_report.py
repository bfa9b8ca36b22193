"""Prints a weather report. Try it: `python weather_report.py` (the module is not installed)."""

import requests_cache_missing_module as cache

print(cache.get("https://weather.example/v1/now?city=Lisbon"))
