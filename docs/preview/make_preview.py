"""Render one example of every Teams card kind to PNG (``make preview``; not part of the tests).

Uses the npm package ``adaptivecards`` (MIT) with ``markdown-it`` for TextBlock Markdown, in
headless Chromium (Debian package ``chromium``). Set up once with
``npm install --prefix docs/preview`` and ``apt-get install -y chromium``. Like Teams, Markdown
is applied to TextBlocks and facts only, never to choice labels.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
MODULES = HERE / "node_modules"
WIDTH = 520
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
)

# A host config close to Teams' light theme (fonts, sizes, accent colours).
HOST_CONFIG: dict[str, Any] = {
    "fontFamily": "'Segoe UI', 'DejaVu Sans', sans-serif",
    "supportsInteractivity": True,
    "spacing": {
        "small": 4,
        "default": 8,
        "medium": 16,
        "large": 20,
        "extraLarge": 24,
        "padding": 16,
    },
    "separator": {"lineThickness": 1, "lineColor": "#E1DFDD"},
    "fontSizes": {"small": 12, "default": 14, "medium": 16, "large": 20, "extraLarge": 24},
    "fontWeights": {"lighter": 200, "default": 400, "bolder": 600},
    "containerStyles": {
        "default": {
            "backgroundColor": "#FFFFFF",
            "foregroundColors": {
                "default": {"default": "#242424", "subtle": "#616161"},
                "accent": {"default": "#5B5FC7", "subtle": "#6264A7"},
                "good": {"default": "#237B4B", "subtle": "#237B4B"},
                "warning": {"default": "#835C00", "subtle": "#835C00"},
                "attention": {"default": "#C4314B", "subtle": "#C4314B"},
            },
        },
    },
    "actions": {
        "maxActions": 6,
        "buttonSpacing": 8,
        "showCard": {"actionMode": "inline", "inlineTopMargin": 16},
        "actionsOrientation": "horizontal",
        "actionAlignment": "left",
    },
    "factSet": {
        "title": {"weight": "bolder", "wrap": True, "maxWidth": 150},
        "value": {"wrap": True},
        "spacing": 10,
    },
}

PAGE = """<!doctype html>
<html><head><meta charset="utf-8">
<link rel="stylesheet" href="{css}">
<style>
  body {{ margin: 0; padding: 24px; background: #F5F5F5; font-family: 'DejaVu Sans', sans-serif; }}
  #card {{ width: {width}px; background: #FFFFFF; border-radius: 6px;
          box-shadow: 0 1px 3px rgba(0,0,0,.15); overflow: hidden; }}
  .ac-pushButton {{ border: 1px solid #D1D1D1; border-radius: 4px; background: #FFFFFF;
                   padding: 5px 12px; font: 600 14px 'DejaVu Sans', sans-serif; color: #242424; }}
  .ac-pushButton.style-positive {{ background: #5B5FC7; color: #FFFFFF; border-color: #5B5FC7; }}
  .ac-pushButton.style-destructive {{ background: #FFFFFF; color: #C4314B; border-color: #C4314B; }}
  .ac-input {{ font: 14px 'DejaVu Sans', sans-serif; }}
  a {{ color: #5B5FC7; }}
  #error {{ color: #C4314B; font: 14px monospace; white-space: pre-wrap; }}
</style>
<script src="{markdown_it}"></script>
<script src="{adaptivecards}"></script>
</head><body><div id="card"></div><pre id="error"></pre>
<script>
try {{
  const md = window.markdownit({{ html: false, linkify: false }});
  AdaptiveCards.AdaptiveCard.onProcessMarkdown = (text, result) => {{
    result.outputHtml = md.render(text);
    result.didProcess = true;
  }};
  AdaptiveCards.GlobalSettings.useMarkdownInRadioButtonAndCheckbox = false;
  const card = new AdaptiveCards.AdaptiveCard();
  card.hostConfig = new AdaptiveCards.HostConfig({host_config});
  card.parse({card});
  for (const id of {show}) {{
    const element = card.getElementById(id);
    if (element) element.isVisible = !element.isVisible;
  }}
  document.getElementById("card").appendChild(card.render());
}} catch (e) {{
  document.getElementById("error").textContent = String(e && e.stack || e);
}}
</script></body></html>
"""


def examples() -> dict[str, tuple[dict[str, Any], list[str]]]:
    """Card name → (Adaptive Card, ids whose visibility to toggle before rendering)."""
    sys.path.insert(0, str(ROOT))
    from bot.teams import cards
    from tests.render.cases import ANSWERED, CASES

    out: dict[str, tuple[dict[str, Any], list[str]]] = {}
    for name in ("text_user", "single_few", "single_many", "multi_few", "multi_many", "form"):
        out[name] = (cards.card(CASES[name]), [])
    out["card"] = (cards.card(CASES["card"]), [])
    opened = ["section-1-body", "section-1-more", "section-1-less"]
    out["card_section_open"] = (cards.card(CASES["card"]), opened)
    out["card_trusted_facts"] = (cards.card(CASES["card_trusted_facts"]), [])
    out["injection"] = (cards.card(CASES["injection"]), [])
    for name in ("answered_choice", "answered_card"):
        message, label = ANSWERED[name]
        out[name] = (cards.answered(message, label)["attachments"][0]["content"], [])
    return out


def screenshot(chromium: str, page: Path, png: Path, workdir: Path) -> None:
    profile = Path(tempfile.mkdtemp(prefix="profile-", dir=workdir))
    command = [
        chromium,
        *FLAGS,
        f"--user-data-dir={profile}",
        f"--window-size={WIDTH + 48},2400",
        f"--screenshot={png}",
        page.as_uri(),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=120)  # noqa: S603
    crop(png)


def crop(png: Path) -> None:
    """Trim the page background below and right of the card, keeping a margin."""
    from PIL import Image, ImageChops

    with Image.open(png) as image:
        rgb = image.convert("RGB")
    background = Image.new("RGB", rgb.size, rgb.getpixel((rgb.width - 1, rgb.height - 1)))
    box = ImageChops.difference(rgb, background).getbbox()
    if box:
        rgb.crop((0, 0, min(rgb.width, box[2] + 24), min(rgb.height, box[3] + 24))).save(png)


def _script_json(value: object) -> str:
    """JSON that is safe inside a <script> element."""
    return json.dumps(value).replace("<", "\\u003c")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="folder for the PNG files")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    args = parser.parse_args(argv)
    if not shutil.which(args.chromium):
        print("chromium not found: apt-get install -y chromium", file=sys.stderr)
        return 2
    assets = {
        "css": MODULES / "adaptivecards/dist/adaptivecards.css",
        "adaptivecards": MODULES / "adaptivecards/dist/adaptivecards.min.js",
        "markdown_it": MODULES / "markdown-it/dist/markdown-it.min.js",
    }
    missing = [str(p) for p in assets.values() if not p.exists()]
    if missing:
        print(f"missing {missing}: run npm install --prefix docs/preview", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="card-preview-") as tmp:
        workdir = Path(tmp)
        for name, (card, show) in examples().items():
            page = workdir / f"{name}.html"
            page.write_text(
                PAGE.format(
                    width=WIDTH,
                    host_config=_script_json(HOST_CONFIG),
                    card=_script_json(card),
                    show=_script_json(show),
                    **{key: path.as_uri() for key, path in assets.items()},
                ),
                encoding="utf-8",
            )
            png = args.out / f"{name}.png"
            screenshot(args.chromium, page, png, workdir)
            print(png.relative_to(ROOT) if png.is_relative_to(ROOT) else png)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
