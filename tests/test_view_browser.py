"""kg view in headless Chromium: the page draws nodes offline, search finds one, injected script never runs.

Needs Debian's `chromium` (.ci/run installs it) and playwright (dev extra). The screenshots go to the
test's temporary folder (and to $KG_TEST_SCREENSHOTS when set).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from field_graph import INJECTED_PAPER, field_graph

from kg.api import KnowledgeGraph

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
]
TIMEOUT_MS = 30_000
# Pixels of the graph's canvases that differ from the white background.
COUNT_INK = """() => {
  let ink = 0;
  for (const canvas of document.querySelectorAll('#graph canvas')) {
    const ctx = canvas.getContext('2d');
    if (!ctx || !canvas.width || !canvas.height) continue;
    const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 0; i < px.length; i += 4) {
      if (px[i + 3] > 0 && (px[i] < 240 || px[i + 1] < 240 || px[i + 2] < 240)) ink++;
    }
  }
  return ink;
}"""


def _on_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    """A headless Debian Chromium driven by playwright (skipped locally when missing; a failure on CI)."""
    executable = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        executable = None
    if executable is None:
        if _on_ci():
            pytest.fail("kg view's browser test needs chromium and playwright on CI", pytrace=False)
        pytest.skip("no chromium or playwright")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, Path]:
    kg_ = KnowledgeGraph.from_graph(field_graph())
    folder = tmp_path_factory.mktemp("view")
    return {"map": kg_.view(None, folder / "map.html"), "vit": kg_.view("ViT", folder / "vit.html")}


def _open(chromium, path: Path, tmp_path: Path):
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    outside: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # offline: anything but the file itself is refused, and noted
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
               else (outside.append(route.request.url), route.abort()))  # fmt: skip
    page.goto(path.as_uri(), timeout=TIMEOUT_MS)
    page.wait_for_function("window.kgView && window.kgView.nodeCount() > 0", timeout=TIMEOUT_MS)
    page.wait_for_timeout(300)  # the first frame is drawn after the layout is applied
    return context, page, errors, outside


def _screenshot(page, tmp_path: Path, name: str) -> Path:
    shot = tmp_path / f"{name}.png"
    page.screenshot(path=str(shot))
    if folder := os.environ.get("KG_TEST_SCREENSHOTS"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(folder) / shot.name)
    return shot


def test_map_draws_nodes_offline_and_search_finds_one(chromium, pages, tmp_path):
    context, page, errors, outside = _open(chromium, pages["map"], tmp_path)
    try:
        assert page.evaluate("window.kgView.nodeCount()") == 11  # the offered entities
        assert page.evaluate(COUNT_INK) > 2000
        page.fill("#search", "resnet")
        page.wait_for_timeout(300)
        assert page.text_content("#found") == "1 match"
        assert page.evaluate("window.kgView.cy.$(':selected').map(n => n.id())") == ["method:resnet"]
        assert page.text_content("#details h2") == "ResNet"
        assert page.locator("#chart svg rect").count() == 10  # papers per year, 2010-2019
        assert _screenshot(page, tmp_path, "view-map").stat().st_size > 10_000
        assert errors == [] and outside == []
    finally:
        context.close()


def test_injected_abstract_shows_as_text_and_runs_nothing(chromium, pages, tmp_path):
    context, page, errors, outside = _open(chromium, pages["vit"], tmp_path)
    try:
        assert page.evaluate("typeof window.__kgInjected") == "undefined"
        assert page.locator("#graph img, body > img").count() == 0
        page.evaluate(f"window.kgView.cy.getElementById({INJECTED_PAPER!r}).emit('tap') && null")
        assert page.text_content("#details h2") == "ViT <b>bold</b> {{DATA}}"
        assert "</script><script>window.__kgInjected = 1</script>" in page.text_content("#details .text")
        page.wait_for_timeout(200)
        assert page.evaluate("typeof window.__kgInjected") == "undefined"
        assert page.evaluate(COUNT_INK) > 2000
        _screenshot(page, tmp_path, "view-neighbourhood")
        assert errors == [] and outside == []
    finally:
        context.close()
