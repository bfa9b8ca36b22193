"""Ask a weather API about the city in the config file."""

import json
import urllib.request

API_KEY = "YOUR_API_KEY"

with open("data/config.json") as fh:
    config = json.load(fh)

url = f"https://weather.example/v1/now?key={API_KEY}&city={config['city']}"
print(urllib.request.urlopen(url).read())
