"""The mkdocs configuration of the built site: the repository's ``mkdocs.yml`` plus what the engine requires.

The organization keeps its own settings (palette, logo, extra pages of
config) in ``mkdocs.yml``; the engine sets what the site cannot work
without: where the staged pages are, the navigation, Chinese search with
jieba and a dictionary of QMS terms, heading anchors that keep Chinese
characters, mermaid served from the site itself, no web fonts. The result
is written as text because two settings are Python references
(``!!python/name``), which no safe YAML writer emits.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .. import messages
from ..issues import QmsError
from ..reports.context import Context
from ..yamllib import yaml

ENGINE_KEYS = ("docs_dir", "site_dir", "nav", "markdown_extensions", "plugins", "extra_javascript", "extra_css")


def _base(ctx: Context) -> dict[str, Any]:
    path = ctx.repo.root / "mkdocs.yml"
    if not path.exists():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise QmsError(messages.text("site.mkdocs_unreadable", error=exc)) from None
    if not isinstance(data, dict):
        raise QmsError(messages.text("site.mkdocs_mapping"))
    return data


def _dump(value: Any) -> str:
    """A YAML value on one line (JSON is YAML; keeps Chinese text as it is)."""
    return json.dumps(value, ensure_ascii=False)


def site_config(ctx: Context, nav: list[dict[str, object]], site_dir: Path, terms: Path) -> str:
    base = _base(ctx)
    theme = dict(base.get("theme") or {})
    theme.setdefault("name", "material")
    theme.setdefault("language", ctx.lang)
    theme["font"] = False  # no Google Fonts: the build and the pages make no request to the internet
    features = list(theme.get("features") or [])
    for feature in ("navigation.tabs", "navigation.top", "search.highlight", "content.code.copy"):
        if feature not in features:
            features.append(feature)
    theme["features"] = features
    settings = {k: v for k, v in base.items() if k not in ENGINE_KEYS and k != "theme"}
    settings["site_name"] = ctx.repo.config.name
    settings.setdefault("use_directory_urls", True)
    lines = ["# Written by qms site build from mkdocs.yml; edit that file, not this one."]
    for key, value in settings.items():
        lines.append(f"{key}: {_dump(value)}")
    lines += [
        f"theme: {_dump(theme)}",
        "docs_dir: docs",
        f"site_dir: {_dump(str(site_dir))}",
        f"nav: {_dump(nav)}",
        "extra_javascript: [assets/mermaid.min.js]",
        "extra_css: [assets/qms.css]",
        "plugins:",
        "  - search:",
        "      lang: en",
        "      separator: '[\\s\\u200b\\-_,:!=\\[\\]()\"/]+|(?!\\b)(?=[A-Z][a-z])|\\.(?!\\d)|&[lg]t;'",
        f"      jieba_dict_user: {_dump(str(terms))}",
        "markdown_extensions:",
        "  - tables",
        "  - admonition",
        "  - attr_list",
        "  - toc:",
        "      permalink: true",
        "      slugify: !!python/object/apply:pymdownx.slugs.slugify {kwds: {case: lower}}",
        "  - pymdownx.superfences:",
        "      custom_fences:",
        "        - name: mermaid",
        "          class: mermaid",
        "          format: !!python/name:pymdownx.superfences.fence_code_format",
    ]
    return "\n".join(lines) + "\n"
