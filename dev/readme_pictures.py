"""Regenerate the pictures the README shows (docs/images/), with convviz itself.

Run: python dev/readme_pictures.py [FILE ...] [--gallery]   (FILE: only those
pictures, e.g. scatter_checkerboard.png; --gallery also screenshots a freshly
built gallery in headless Chromium; needs Playwright and Chromium)
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import convviz

OUT = ROOT / "docs" / "images"

PICTURES = [
    # (file, what, options)
    ("padding_strides_odd_transposed.gif", "padding_strides_odd_transposed", dict(scale=0.8)),
    ("dilation_transposed.gif", "dilation_transposed", dict(scale=0.6)),
    ("numbers_padding_strides.png", "numbers_padding_strides", dict(frame=4)),
    ("scatter_checkerboard.png", "scatter_checkerboard", dict(frame=-1)),
    ("scatter_numbers.png", "scatter_checkerboard", dict(frame=4, numbers=True)),
    ("glu_block.png", "glu_block", dict(frame=3)),
    ("stack_plain_vs_dilated.png", "stack_plain_vs_dilated", dict(frame=7)),
    ("separable_conv.png", "separable_conv", dict(frame=-1)),
]


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    wanted = {a for a in sys.argv[1:] if not a.startswith("--")}
    for filename, name, options in PICTURES:
        if wanted and filename not in wanted:
            continue
        options = dict(options)
        frame = options.pop("frame", None)
        anim = convviz.animate(name, **options)
        path = OUT / filename
        if path.suffix == ".png":
            anim.save(path, frame=frame % anim.frame_count if frame is not None else None)
        else:
            anim.save(path)
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size:,} bytes")
    if "--gallery" in sys.argv:
        screenshot_gallery(OUT / "gallery.png")
    return 0


def screenshot_gallery(target: Path) -> None:
    from PIL import Image
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        subprocess.run(
            [sys.executable, "-m", "convviz", "-q", "gallery", "-o", str(site)], check=True
        )
        shot = Path(tmp) / "shot.png"
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                      "--disable-component-update", "--disable-sync", "--no-first-run"],
            )
            page = browser.new_page(viewport={"width": 1280, "height": 1500})
            page.goto((site / "index.html").as_uri() + "#basic")
            page.wait_for_timeout(500)
            page.screenshot(path=str(shot))
            browser.close()
        image = Image.open(shot).convert("RGB")
        image = image.resize((image.width // 2, image.height // 2), Image.LANCZOS)
        image.save(target, optimize=True)
    print(f"{target.relative_to(ROOT)}  {target.stat().st_size:,} bytes")


if __name__ == "__main__":
    raise SystemExit(main())
