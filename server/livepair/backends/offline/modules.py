"""Which import names are real: the standard library, what is installed, and the well-known distributions.

A missing module near one of these is a typo to fix, never a package to install: installing a misspelled name is
how typosquatted packages get run. `pip install` is suggested only for a distribution this table knows by name.
"""

from __future__ import annotations

import ast
import difflib
import functools
import importlib.util
import itertools
import pkgutil
import sys
from pathlib import Path

from livepair import pyast

# Import name -> the distribution that provides it (where they differ, the table is the whole point).
DISTRIBUTIONS = {
    "PIL": "Pillow",
    "yaml": "PyYAML",
    "cv2": "opencv-python",
    "sklearn": "scikit-learn",
    "bs4": "beautifulsoup4",
    "dotenv": "python-dotenv",
    "dateutil": "python-dateutil",
    "jwt": "PyJWT",
    "Crypto": "pycryptodome",
    "OpenSSL": "pyOpenSSL",
    "serial": "pyserial",
    "usb": "pyusb",
    "magic": "python-magic",
    "docx": "python-docx",
    "pptx": "python-pptx",
    "fitz": "PyMuPDF",
    "git": "GitPython",
    "MySQLdb": "mysqlclient",
    "psycopg2": "psycopg2-binary",
    "attr": "attrs",
    "google.genai": "google-genai",
    "google.generativeai": "google-generativeai",
    "googleapiclient": "google-api-python-client",
    "telegram": "python-telegram-bot",
    "discord": "discord.py",
    "skimage": "scikit-image",
    "Levenshtein": "python-Levenshtein",
    "websocket": "websocket-client",
    "zmq": "pyzmq",
    "win32api": "pywin32",
    "mpl_toolkits": "matplotlib",
    "lxml": "lxml",
    "multipart": "python-multipart",
}
# Import names that are also their distribution's name: the commonly installed packages.
SAME_NAME = frozenset(
    {
        "requests",
        "httpx",
        "aiohttp",
        "urllib3",
        "numpy",
        "pandas",
        "scipy",
        "matplotlib",
        "seaborn",
        "plotly",
        "flask",
        "django",
        "fastapi",
        "uvicorn",
        "starlette",
        "pydantic",
        "sqlalchemy",
        "alembic",
        "celery",
        "redis",
        "pymongo",
        "boto3",
        "botocore",
        "openai",
        "anthropic",
        "tiktoken",
        "transformers",
        "torch",
        "torchvision",
        "tensorflow",
        "keras",
        "jax",
        "xgboost",
        "lightgbm",
        "nltk",
        "spacy",
        "gensim",
        "pytest",
        "rich",
        "click",
        "typer",
        "tqdm",
        "jinja2",
        "markdown",
        "docutils",
        "sphinx",
        "black",
        "ruff",
        "mypy",
        "isort",
        "pyflakes",
        "pylint",
        "websockets",
        "grpc",
        "protobuf",
        "paramiko",
        "fabric",
        "cryptography",
        "bcrypt",
        "passlib",
        "tenacity",
        "arrow",
        "pendulum",
        "pytz",
        "tzdata",
        "simplejson",
        "orjson",
        "ujson",
        "msgpack",
        "toml",
        "tomli",
        "h5py",
        "tables",
        "pyarrow",
        "polars",
        "dask",
        "numba",
        "sympy",
        "networkx",
        "shapely",
        "geopandas",
        "folium",
        "openpyxl",
        "xlrd",
        "xlsxwriter",
        "reportlab",
        "pypdf",
        "selenium",
        "playwright",
        "scrapy",
        "feedparser",
        "emoji",
        "colorama",
        "termcolor",
        "tabulate",
        "psutil",
        "sh",
        "pexpect",
        "schedule",
        "apscheduler",
        "loguru",
        "structlog",
        "sentry_sdk",
        "streamlit",
        "gradio",
        "dash",
        "bokeh",
        "langchain",
        "llama_index",
        "chromadb",
        "faiss",
        "pinecone",
        "qdrant_client",
        "sounddevice",
        "soundfile",
        "librosa",
        "pydub",
        "pygame",
        "kivy",
        "pyglet",
        "arcade",
        "pytesseract",
        "pyautogui",
        "pynput",
        "keyboard",
        "mouse",
        "tweepy",
        "praw",
        "slack_sdk",
        "stripe",
        "twilio",
    }
)


def distribution(module: str) -> str | None:
    """The distribution to install for an import name, if it is a well-known one."""
    for name in (module, module.split(".")[0]):
        if name in DISTRIBUTIONS:
            return DISTRIBUTIONS[name]
        if name in SAME_NAME:
            return name
    return None


@functools.cache
def known_modules() -> frozenset[str]:
    """Top-level import names that exist: stdlib, installed here, and well known (computed once: ~10 ms)."""
    installed = {m.name for m in pkgutil.iter_modules()}
    well_known = {name.split(".")[0] for name in DISTRIBUTIONS} | set(SAME_NAME)
    return frozenset(sys.stdlib_module_names | installed | well_known)


def is_stdlib(name: str) -> bool:
    return name.split(".")[0] in sys.stdlib_module_names


def typo_candidates(module: str) -> list[str]:
    """Real modules a missing top-level name is a near misspelling of, best first."""
    top = module.split(".")[0]
    known = {k for k in known_modules() - {top} if top.startswith("_") or not k.startswith("_")}
    swapped = [k for k in known if len(k) == len(top) and sorted(k.lower()) == sorted(top.lower())]
    by_case = [k for k in known if k.lower() == top.lower() or k.lower().replace("_", "") == top.lower()]
    close = difflib.get_close_matches(top, sorted(known), n=3, cutoff=0.8)
    popular = {n.split(".")[0] for n in DISTRIBUTIONS} | set(SAME_NAME)
    # A popular package wins a tie with an obscure module (nunpy: numpy before runpy).
    ranked = sorted(close, key=lambda k: (-round(_ratio(top, k), 2), k not in popular))
    return list(dict.fromkeys(by_case + swapped + ranked))


def typo_of(module: str) -> str | None:
    """The real module a missing name is a misspelling of, if one stands out; None when it is known itself."""
    top = module.split(".")[0]
    if top in known_modules():
        return None  # the package exists: what is missing is a submodule, not a typo of the package
    found = typo_candidates(module)
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        first, second = _ratio(top, found[0]), _ratio(top, found[1])
        popular = {n.split(".")[0] for n in DISTRIBUTIONS} | set(SAME_NAME)
        if first - second >= 0.05 or (found[0] in popular) != (found[1] in popular) or found[0].lower() == top.lower():
            return found[0]
    return None


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


@functools.lru_cache(maxsize=128)
def public_names(module: str) -> frozenset[str]:
    """Top-level names a module's source defines, read without importing it (stdlib and installed)."""
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return frozenset()
    origin = Path(spec.origin) if spec is not None and spec.origin else None
    frozen = getattr(spec.loader_state, "filename", None) if spec is not None and spec.origin == "frozen" else None
    origin = Path(frozen) if isinstance(frozen, str) else origin  # frozen stdlib modules still name their source
    if origin is None or origin.suffix != ".py":
        return frozenset()
    try:
        tree = pyast.parse(origin.read_text(errors="replace"))
    except (OSError, SyntaxError):
        return frozenset()
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module != module and node.names[0].name == "*":
            names |= public_names(node.module)  # collections.abc is `from _collections_abc import *`
        elif isinstance(node, ast.ImportFrom | ast.Import):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return frozenset(n for n in names if not n.startswith("_"))


@functools.lru_cache(maxsize=64)
def submodule_with(package: str, name: str) -> str | None:
    """The submodule of a standard-library package that defines `name` (collections -> collections.abc), if any;
    read without importing the submodules."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    places = list(spec.submodule_search_locations or []) if spec is not None else []
    for sub in itertools.islice(pkgutil.iter_modules(places), 40):
        if not sub.name.startswith("_") and name in public_names(f"{package}.{sub.name}"):
            return f"{package}.{sub.name}"
    return None
