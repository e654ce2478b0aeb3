"""The gallery against a hostile output folder, manifest and templates.

Whoever can write the output folder can edit its manifest, pictures and
temporary files, and a ``--templates`` folder may hold anything. Whatever
they hold, the build must touch nothing outside the output folder (a sentinel
file beside it must survive), must not crash, must never paste manifest text
into a page, and every template error must name its file and line.
"""

from __future__ import annotations

import json
import os
import pkgutil
import re
import stat
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_site import tiny_renderer

import convviz
from convviz.cli import app
from convviz.site import builder as site
from convviz.site import manifest as mf
from convviz.site.templating import TemplateError

HOSTILE_PATHS = [
    "img/../../victim.txt", "../victim.txt", "img/../../../victim.txt", "/etc/passwd",
    "img/../index.html", "img/./../x.gif", "img\\..\\..\\victim.txt", "img/\u0000.gif",
    "img/sub/../../../victim.txt", "", ".", "img", "img/", "img/.gif", "img/a.gif/..",
]
CSS = ["1px;background:url(http://evil.example/x)", '40"><script>alert(1)</script>',
       "calc(1px)}body{display:none", "expression(alert(1))"]

json_leaf = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=False), st.text(max_size=20), st.sampled_from(HOSTILE_PATHS + CSS),
)
json_value = st.recursive(
    json_leaf,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.one_of(st.text(max_size=8),
                                                      st.sampled_from(HOSTILE_PATHS)),
                                            inner, max_size=4)),
    max_leaves=12,
)
hex64 = st.text("0123456789abcdef", min_size=64, max_size=64)
entry = st.one_of(
    st.fixed_dictionaries({"key": hex64, "bytes": st.integers(-5, 10**30), "sha256": hex64}),
    st.fixed_dictionaries({"key": st.one_of(hex64, json_value), "size": json_value}),
    json_value,
)
manifest_doc = st.one_of(
    json_value,
    st.fixed_dictionaries({"version": st.one_of(st.text(max_size=5), json_value),
                           "pictures": st.dictionaries(
                               st.one_of(st.sampled_from(HOSTILE_PATHS), st.text(max_size=30)),
                               entry, max_size=5)}),
)
raw_text = st.one_of(
    st.builds(lambda n: "[" * n, st.integers(1000, 200_000)),  # deep nesting
    st.builds(lambda n: '{"pictures": ' * n, st.integers(1000, 50_000)),
    st.builds(lambda n: "1" * n, st.integers(4300, 20_000)),  # a number too long to parse
    st.text(max_size=50),
    st.binary(max_size=50).map(lambda b: b.decode("latin-1")),
)


def _write_manifest(out: Path, doc) -> None:
    text = doc if isinstance(doc, str) else json.dumps(doc)
    (out / site.MANIFEST_NAME).write_bytes(text.encode("utf-8", "surrogatepass"))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=st.one_of(manifest_doc, raw_text))
def test_reading_any_manifest_yields_only_pictures_inside_the_folder(tmp_path_factory, doc):
    out = tmp_path_factory.mktemp("out")
    _write_manifest(out, doc)
    entries = mf.read_manifest(out)  # never raises
    root = out.resolve()
    for path, e in entries.items():
        assert re.fullmatch(r"img/[A-Za-z0-9_][A-Za-z0-9_.-]*\.(svg|gif|png)", path)
        assert (out / path).resolve().is_relative_to(root / "img")
        assert isinstance(e.length, int) and e.length > 0
        assert re.fullmatch(r"[0-9a-f]{64}", e.key) and re.fullmatch(r"[0-9a-f]{64}", e.sha256)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A gallery built once; tests copy its files instead of building again."""
    out = tmp_path_factory.mktemp("first") / "site"
    site.build(out, jobs=1, renderer=tiny_renderer)
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def _restore(out: Path, files: dict[str, bytes]) -> None:
    for rel, data in files.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(data)


def _sentinels(base: Path) -> dict[Path, bytes]:
    """Files beside (and above) the output folder that the build must not touch."""
    sentinels = {base / "victim.txt": b"precious", base.parent / "victim.txt": b"also precious",
                 base / "index.html": b"not the gallery's", base / "img" / "mine.gif": b"mine"}
    for path, data in sentinels.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return sentinels


def _assert_sentinels(sentinels: dict[Path, bytes]) -> None:
    for path, data in sentinels.items():
        assert path.read_bytes() == data, path


def _page_widths(out: Path) -> set[str]:
    return set(re.findall(r'style="--w: ([^"]*)"', (out / "index.html").read_text("utf-8")))


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(doc=st.one_of(manifest_doc, raw_text), extra=st.lists(
    st.sampled_from(HOSTILE_PATHS + CSS), max_size=4))
def test_a_tampered_manifest_never_touches_anything_outside(tmp_path_factory, built, doc, extra):
    base = tmp_path_factory.mktemp("base")
    sentinels = _sentinels(base)
    out = base / "site"
    _restore(out, built)
    if isinstance(doc, dict) and isinstance(doc.get("pictures"), dict):
        # the real manifest's entries plus hostile ones
        doc["pictures"].update(json.loads(built[site.MANIFEST_NAME])["pictures"])
        for path in extra:
            doc["pictures"][path] = {"key": "0" * 64, "bytes": 5, "sha256": "0" * 64}
    _write_manifest(out, doc)
    report = site.build(out, jobs=1, renderer=tiny_renderer)
    _assert_sentinels(sentinels)
    assert not report.failed
    html = (out / "index.html").read_text("utf-8")
    assert "evil.example" not in html and "alert(1)" not in html
    # the tiny pictures' own width, and the width their 8 px text needs to reach 10 px
    assert _page_widths(out) == {"40; --minw: 50px"}
    # the next build reads what this one wrote and reuses everything
    assert site.build(out, jobs=1, renderer=tiny_renderer).rendered == 0


def test_the_reported_traversal_deletes_nothing(tmp_path, built):
    sentinels = _sentinels(tmp_path)
    out = tmp_path / "site"
    _restore(out, built)
    doc = json.loads(built[site.MANIFEST_NAME])
    for path in ("img/../../victim.txt", "img/../../../victim.txt", str(tmp_path / "victim.txt")):
        doc["pictures"][path] = {"key": "0" * 64, "bytes": 8, "sha256": "0" * 64}
    _write_manifest(out, doc)
    report = site.build(out, jobs=1, renderer=tiny_renderer)
    _assert_sentinels(sentinels)
    assert report.rendered == 0  # the valid entries are still reused


@pytest.mark.parametrize("pictures", [
    "x", None, 5, [], {"img/dilation.gif": None}, {"img/dilation.gif": {"size": 5}},
    {"img/dilation.gif": {"key": "x", "size": [40, 30]}},
    {"img/dilation.gif": {"key": "0" * 64, "size": ["1px;background:url(http://evil.example)",
                                                     30]}},
])
def test_wrong_types_are_ignored_and_the_gallery_rebuilt(tmp_path, built, pictures, caplog):
    out = tmp_path / "site"
    _restore(out, built)
    _write_manifest(out, {"version": "0", "pictures": pictures})
    report = site.build(out, jobs=1, renderer=tiny_renderer)
    assert report.rendered == len(list((out / "img").iterdir())) and report.reused == 0
    assert any(site.MANIFEST_NAME in r.getMessage() for r in caplog.records)
    assert "evil.example" not in (out / "index.html").read_text("utf-8")
    assert site.build(out, jobs=1, renderer=tiny_renderer).rendered == 0


def test_a_manifest_that_is_a_folder_or_a_link_outside_is_ignored(tmp_path, built):
    out = tmp_path / "site"
    _restore(out, built)
    (out / site.MANIFEST_NAME).unlink()
    (out / site.MANIFEST_NAME).mkdir()
    with pytest.raises(convviz.OutputError):  # a folder where the manifest goes: said, not lost
        site.build(out, jobs=1, renderer=tiny_renderer)
    (out / site.MANIFEST_NAME).rmdir()
    outside = tmp_path / "outside.json"
    outside.write_bytes(built[site.MANIFEST_NAME])
    (out / site.MANIFEST_NAME).symlink_to(outside)
    site.build(out, jobs=1, renderer=tiny_renderer)
    assert outside.read_bytes() == built[site.MANIFEST_NAME]  # replaced the link, not the file
    assert not (out / site.MANIFEST_NAME).is_symlink()


@pytest.mark.parametrize("damage", ["edit", "empty", "truncate", "swap", "link"])
def test_a_damaged_picture_is_drawn_again(tmp_path, built, damage):
    out = tmp_path / "site"
    _restore(out, built)
    target = out / "img" / "dilation.gif"
    good = target.read_bytes()
    if damage == "edit":
        target.write_bytes(good[:-2] + bytes([good[-2] ^ 1]) + good[-1:])
    elif damage == "empty":
        target.write_bytes(b"")
    elif damage == "truncate":
        target.write_bytes(good[:10])
    elif damage == "swap":
        target.write_bytes((out / "img" / "padding_strides.gif").read_bytes())
    else:
        outside = tmp_path / "outside.gif"
        outside.write_bytes(good)
        target.unlink()
        target.symlink_to(outside)
    report = site.build(out, jobs=1, renderer=tiny_renderer)
    assert report.rendered == 1
    assert target.read_bytes() == good and not target.is_symlink()
    if damage == "link":
        assert (tmp_path / "outside.gif").read_bytes() == good


def test_leftovers_of_earlier_builds_are_removed_and_nothing_else(tmp_path, built):
    out = tmp_path / "site"
    _restore(out, built)
    leftovers = ["img/.dilation.gif.k2j4h_x9.tmp", "img/old_preset.gif", "img/old-numbers.png",
                 ".index.html.abc12345.tmp", "assets/.style.css.zz9_ab12.tmp",
                 f".{site.MANIFEST_NAME}.q1w2e3r4.tmp", "img/.cvz-0badf00d.tmp",
                 ".cvz-12345678.tmp", "zh/.cvz-abcdef01.tmp"]
    kept = ["notes.txt", ".hidden.tmp", "img/readme.txt", "img/photo.jpeg", ".other.html.x1.tmp",
            "assets/logo.svg", "sub/.index.html.abc12345.tmp", "img/sub/old.gif",
            "sub/.cvz-0badf00d.tmp", ".cvz-notmine.tmp"]
    for rel in leftovers + kept:
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(b"x")
    site.build(out, jobs=1, renderer=tiny_renderer)
    assert [rel for rel in leftovers if (out / rel).exists()] == []
    assert [rel for rel in kept if not (out / rel).exists()] == []


def test_a_temporary_file_of_a_build_running_now_is_kept(tmp_path, built):
    import time

    out = tmp_path / "site"
    _restore(out, built)
    running = [out / "img" / ".dilation.gif.a1b2c3d4.tmp", out / "img" / ".cvz-a1b2c3d4.tmp"]
    later = time.time() + 3600  # written after this build started
    for path in running:
        path.write_bytes(b"half written")
        os.utime(path, (later, later))
    site.build(out, jobs=1, renderer=tiny_renderer)
    assert [path.read_bytes() for path in running] == [b"half written"] * 2


def test_an_img_link_out_of_the_folder_is_refused(tmp_path, built):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "precious.gif").write_bytes(b"GIF89a")
    out = tmp_path / "site"
    out.mkdir()
    (out / "img").symlink_to(elsewhere)
    with pytest.raises(convviz.OutputError, match="img"):
        site.build(out, jobs=1, renderer=tiny_renderer)
    assert [p.name for p in elsewhere.iterdir()] == ["precious.gif"]


def test_files_follow_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        site.build(tmp_path / "site", jobs=1, renderer=tiny_renderer)
    finally:
        os.umask(old)
    modes = {p.relative_to(tmp_path).as_posix(): stat.S_IMODE(p.stat().st_mode)
             for p in (tmp_path / "site").rglob("*")}
    assert {m for rel, m in modes.items() if (tmp_path / rel).is_file()} == {0o644}
    assert {m for rel, m in modes.items() if (tmp_path / rel).is_dir()} == {0o755}


def test_every_module_of_the_package_is_in_the_cache_key():
    root = Path(convviz.__file__).parent
    modules = {Path(m.module_finder.path, m.name.rpartition(".")[2]) for m in
               pkgutil.walk_packages([str(root)], "convviz.")}
    expected = set()
    for base in modules:
        expected.add(base / "__init__.py" if base.is_dir() else base.with_suffix(".py"))
    hashed = {path for _, path in site._source_files()}
    assert {root / "__init__.py", root / "core" / "engine.py"} <= hashed
    assert {p for p in expected if p.exists()} <= hashed
    assert {n for n, _ in site._source_files()} >= {"templates/index.html",
                                                    "templates/_macros.html"}


def test_an_engine_change_redraws_every_picture(tmp_path, monkeypatch):
    out = tmp_path / "site"
    first = site.build(out, jobs=1, renderer=tiny_renderer)
    assert site.build(out, jobs=1, renderer=tiny_renderer).rendered == 0
    real = site._read_source

    def edited(path: Path) -> bytes:
        data = real(path)
        return data + b"\n# a fix\n" if path.parts[-2:] == ("core", "engine.py") else data

    monkeypatch.setattr(site, "_read_source", edited)
    assert site.build(out, jobs=1, renderer=tiny_renderer).rendered == first.rendered


# -------------------------------------------------------------------------------------------
# templates


def _templates(tmp_path: Path, **files: str) -> Path:
    tdir = tmp_path / "templates"
    tdir.mkdir(exist_ok=True)
    for name, text in files.items():
        (tdir / name.replace("__", ".")).write_text(text, "utf-8")
    return tdir


def _no_drawing(job):
    raise AssertionError(f"drew {job.path} before the templates were checked")


@pytest.mark.parametrize("files, where, what", [
    ({"index__html": "line one\n{{ site.title }\n"}, "index.html:2", "unexpected '}'"),
    ({"index__html": "{% for x in y %}\n\n"}, "index.html", "for"),
    ({"_macros__html": "{% macro card( %}\n"}, "_macros.html:1", ""),
    ({"extra__html": "ok\n{{ x | no_such_filter }}\n"}, "extra.html:2", "no_such_filter"),
    ({"index__html": "a\nb\n{% include '../../etc/passwd' %}\n"}, "index.html:3",
     "'../../etc/passwd'"),
    ({"index__html": "{% extends '/etc/passwd' %}\n"}, "index.html:1", "'/etc/passwd'"),
    ({"index__html": "{% import 'nowhere.html' as n %}\n"}, "index.html:1", "'nowhere.html'"),
    ({"index__html": "x\n{{ site.no_such_field }}\n"}, "index.html:2", "no_such_field"),
])
def test_template_errors_come_first_and_say_where(tmp_path, files, where, what):
    tdir = _templates(tmp_path, **files)
    out = tmp_path / "site"
    with pytest.raises(TemplateError) as info:
        site.build(out, jobs=1, renderer=_no_drawing, templates=tdir)
    message = str(info.value)
    assert str(tdir / where.partition(":")[0]) in message and where in message, message
    assert what in message
    assert not (out / "img").exists()


def test_a_template_link_out_of_its_folder_is_refused(tmp_path):
    secret = tmp_path / "secret.html"
    secret.write_text("SECRET")
    tdir = _templates(tmp_path)
    (tdir / "leak.html").symlink_to(secret)
    with pytest.raises(TemplateError, match="leak.html"):
        site.build(tmp_path / "site", jobs=1, renderer=_no_drawing, templates=tdir)


def test_a_link_loop_in_the_templates_folder_is_harmless(tmp_path):
    tdir = _templates(tmp_path)
    (tdir / "loop").symlink_to(tdir)
    (tdir / "up").symlink_to(tmp_path)
    report = site.build(tmp_path / "site", jobs=1, renderer=tiny_renderer, templates=tdir)
    assert not report.failed


def test_a_template_changed_between_builds_is_checked_and_compiled_again(tmp_path):
    """A process keeps its template environment and the last check (a rebuild compiles
    nothing again) until a template file changes: then it is checked again, in full."""
    from convviz.site import templating

    tdir = _templates(tmp_path, extra__html="{{ 1 }}")
    out = tmp_path / "site"
    site.build(out, jobs=1, renderer=tiny_renderer, templates=tdir)
    env = templating.environment(tdir)
    assert templating.environment(tdir) is env and env._convviz_checked
    extra = tdir / "extra.html"
    for n, (text, error) in enumerate([("{% if %}", "extra.html:1"), ("{{ 2 }}", None),
                                       ("{{ 3 }}", None), ("{{ x | nope }}", "nope")]):
        extra.write_text(text)
        os.utime(extra, ns=(10**18 + n, 10**18 + n))  # (a new time even on a coarse clock)
        if error is None:
            site.build(out, jobs=1, renderer=tiny_renderer, templates=tdir)
            assert templating.render(env, "extra.html") == text[3]
        else:
            with pytest.raises(TemplateError, match=error):
                site.build(out, jobs=1, renderer=tiny_renderer, templates=tdir)


def test_a_dynamic_include_out_of_the_folders_is_refused_while_rendering(tmp_path):
    tdir = _templates(tmp_path, index__html="{% set n = '../' ~ 'x.html' %}\n{% include n %}\n")
    with pytest.raises(TemplateError, match=r"index.html:2: .*'\.\./x\.html'"):
        site.build(tmp_path / "site", jobs=1, renderer=_no_drawing, templates=tdir)


def test_the_cli_prints_one_line_naming_the_template(tmp_path, capsys, monkeypatch):
    tdir = _templates(tmp_path, index__html="ok\n{% if %}\n")
    monkeypatch.setattr(site, "render_draft", _no_drawing)
    status = app.main(["gallery", "--draft", "-j", "1", "-o", str(tmp_path / "site"),
                       "--templates", str(tdir)])
    err = capsys.readouterr().err
    assert status != 0
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert f"{tdir / 'index.html'}:2:" in err


def test_the_cli_survives_the_reported_manifest(tmp_path, capsys, monkeypatch, built):
    sentinels = _sentinels(tmp_path)
    out = tmp_path / "site"
    _restore(out, built)
    _write_manifest(out, {"version": "0", "pictures": {
        "img/../../victim.txt": {"key": "0" * 64, "bytes": 8, "sha256": "0" * 64}}})
    monkeypatch.setattr(site, "render_draft", tiny_renderer)
    status = app.main(["gallery", "--draft", "-j", "1", "-q", "-o", str(out)])
    captured = capsys.readouterr()
    assert status == 0 and "Traceback" not in captured.err
    _assert_sentinels(sentinels)


def test_a_link_in_place_of_the_chinese_folder_is_refused(tmp_path):
    import convviz
    from convviz.site import builder as site

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "site"
    out.mkdir()
    (out / "zh").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(convviz.OutputError, match="zh"):
        site.build(out, renderer=lambda job: b"", jobs=1)
    assert not any(elsewhere.iterdir())
