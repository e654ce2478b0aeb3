"""The command line under hostile use: odd flag values, awkward files, signals, a full
standard output.

What every case must show: no traceback, an exit status from the documented set
(0 ok, 1 failure, 2 usage error, 130 interrupted, 143 terminated), every error one
line on stderr naming the flag or the file, and nothing touched outside the paths
asked for. Worker processes of ``render --jobs`` never outlive the command.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from convviz.cli import app, jobs, outputs
from convviz.encode.atomic import write_bytes

SMALL = ["-i", "3", "-k", "2", "--scale", "0.4"]  # 2×2 output: 4 frames, tiny pictures
HYPOTHESIS = settings(max_examples=60, deadline=None,
                      suppress_health_check=[HealthCheck.function_scoped_fixture])


def run(argv, capsys):
    """main(argv) -> (status, stdout, stderr)."""
    status = app.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def error_line(err: str) -> str:
    """The one error line of stderr (and only it)."""
    assert "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("convviz: error: "), err
    return lines[0]


def tree(root: Path) -> dict[str, object]:
    """Every entry under ``root``: file bytes, link targets, directories."""
    found: dict[str, object] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath, name)
            key = str(path.relative_to(root))
            if path.is_symlink():
                found[key] = ("link", os.readlink(path))
            elif path.is_dir():
                found[key] = "dir"
            else:
                found[key] = path.read_bytes()
    return found


def fake_render(job):
    """A render that writes a small file the way the real one does (atomically,
    refusing an existing file unless forced) without drawing anything."""
    write_bytes(job.path, b"GIF89a" + job.label.encode() + b";", overwrite=job.force)
    return {"path": str(job.path), "frames": 1, "bytes": job.path.stat().st_size,
            "label": job.label, "frame": job.frame, "sheet": job.sheet}


# ======================================================================================
# flag values
# ======================================================================================
VALUES = st.one_of(
    st.integers(-3, 10**5).map(str),
    st.lists(st.integers(-1, 40), min_size=0, max_size=4).map(lambda v: ",".join(map(str, v))),
    st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9)), min_size=1, max_size=4).map(
        lambda v: ",".join(f"{a}:{b}" for a, b in v)),
    st.sampled_from(["same", "valid", "full", "causal", "SAME", "1:2", "1::2", "3x3", "3x", ",",
                     "1e3", "nan", "inf", "-0", "0x10", "٣", " 4 ", "", "2,", "1,,2", "a:b"]),
    st.text(max_size=6).filter(lambda s: "\x00" not in s),
)
SPEC = ["--input", "--kernel", "--stride", "--padding", "--dilation", "--output-padding",
        "--dims", "--groups", "--in-channels", "--out-channels"]
PICTURE = ["--scale", "--duration", "--frame", "--seed", "--theme", "--pool"]


def flag_args(draw_flags: dict[str, str], switches: list[str]) -> list[str]:
    # FLAG=VALUE, so that a value starting with "-" stays a value
    return [f"{flag}={value}" for flag, value in draw_flags.items()] + switches


def names_a_flag(line: str, flags: list[str]) -> bool:
    """The error line names one of ``flags``, or --kernel (given or not: its default, 3,
    can be what does not fit a small input); a memory refusal names the size asked and
    the limit instead (several flags together make the size), as does a picture-size refusal."""
    if re.search(r"would need about [\d,.]+ [KMG]?B of memory; the limit is [\d,.]+ [KMG]?B", line):
        return True
    if re.search(r"the picture would be \d+×\d+ px; the most is \d+ px per side", line):
        return True  # a picture-size refusal, likewise
    flags = [*flags, "--kernel"]
    return any(f"error: {flag}: " in line or f"error: {flag} " in line for flag in flags)


@HYPOTHESIS
@given(flags=st.dictionaries(st.sampled_from(SPEC), VALUES, max_size=6),
       transposed=st.booleans(), pool=st.sampled_from([None, "max", "avg", "min"]))
def test_info_with_any_flag_values(flags, transposed, pool, capsys):
    argv = ["info", *flag_args(flags, ["--transposed"] if transposed else [])]
    if pool:
        argv.append(f"--pool={pool}")
    status, out, err = run(argv, capsys)
    assert status in (0, 2), (argv, err)
    if status == 0:
        assert out.strip() and not err
        return
    line = error_line(err)
    assert not out
    given_flags = list(flags) + ["--transposed", "--pool", "--input", "NAME"]
    assert names_a_flag(line, given_flags), (argv, line)


@HYPOTHESIS
@given(flags=st.dictionaries(st.sampled_from(SPEC[:4]), VALUES, max_size=4),
       picture=st.dictionaries(st.sampled_from(PICTURE), VALUES, max_size=3),
       switches=st.lists(st.sampled_from(["--numbers", "--scatter", "--sheet", "--no-labels",
                                          "--transposed"]), unique=True, max_size=3))
def test_render_with_any_flag_values(flags, picture, switches, monkeypatch, capsys):
    monkeypatch.setattr(jobs, "render_one", fake_render)
    flags.setdefault("--input", "3")
    with tempfile.TemporaryDirectory() as tmp:
        monkeypatch.chdir(tmp)
        argv = ["render", *flag_args({**flags, **picture}, switches)]
        status, out, err = run(argv, capsys)
        assert status in (0, 1, 2), (argv, err)
        written = tree(Path(tmp))
    if status == 0:
        # exactly the one file asked for, in the current directory, and its report line
        assert len(written) == 1 and not err, (written, err)
        (name,) = written
        assert out.startswith(f"wrote {name} (") and out.endswith(f", {len(written[name])} B)\n")
        assert out.count("\n") == 1
        return
    line = error_line(err)
    assert written == {}, written  # nothing drawn, nothing written, no probe left behind
    assert names_a_flag(line, list(flags) + list(picture) + switches + ["NAME"]), (argv, line)


# ======================================================================================
# file situations
# ======================================================================================
LONG = "n" * 300  # longer than any file system's NAME_MAX (255 bytes on Linux and macOS)


def situation(root: Path, kind: str) -> tuple[Path, int, str]:
    """Set up ``kind`` under root; (the -o path, status without --force, message part)."""
    if kind == "missing_dirs":
        return root / "a" / "b" / "x.gif", 0, ""
    if kind == "exists":
        (root / "x.gif").write_bytes(b"old")
        return root / "x.gif", 1, "exists; pass --force"
    if kind == "dangling_link":
        (root / "x.gif").symlink_to(root / "elsewhere" / "nothing.gif")
        return root / "x.gif", 1, "exists; pass --force"
    if kind == "directory":  # an existing directory is -o DIR, whatever its name
        (root / "x.gif").mkdir()
        return root / "x.gif", 0, ""
    if kind == "parent_is_file":
        (root / "f").write_bytes(b"mine")
        return root / "f" / "sub" / "x.gif", 1, "is a file, not a directory"
    if kind == "long_name":
        return root / f"{LONG}.gif", 1, "bytes long; this file system allows at most"
    if kind == "long_directory":
        return root / LONG / "x.gif", 1, "bytes long; this file system allows at most"
    if kind == "unknown_suffix":
        return root / "x.txt", 2, "is not a known format"
    raise AssertionError(kind)


KINDS = ["missing_dirs", "exists", "dangling_link", "directory", "parent_is_file", "long_name",
         "long_directory", "unknown_suffix"]


@HYPOTHESIS
@given(kind=st.sampled_from(KINDS), force=st.booleans(), preset=st.booleans())
def test_render_file_situations(kind, force, preset, monkeypatch, capsys):
    monkeypatch.setattr(jobs, "render_one", fake_render)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        target, status, message = situation(root, kind)
        if force and kind in ("exists", "dangling_link"):
            status, message = 0, ""
        before = tree(root)
        what = ["padding_strides"] if preset else SMALL
        code, out, err = run(["render", *what, "-o", target, *(["--force"] if force else [])],
                             capsys)
        after = tree(root)
    assert code == status, (kind, force, err)
    if status:
        line = error_line(err)
        assert line.startswith(f"convviz: error: -o: {target}"), line
        assert message in line, line
        assert not out
        assert after == before  # nothing touched, no directory made, no probe left
        return
    assert not err and out.startswith("wrote ")
    label = "padding_strides" if preset else "conv2d_i3_k2"
    key = str(target.relative_to(root))
    if kind == "directory":
        key = f"{key}/{label}.gif"
    assert after[key] == b"GIF89a" + label.encode() + b";"
    new = {k for k in after if k not in before or after[k] != before[k]}
    assert new <= {key, "a", "a/b"}, new  # only the file asked for and its directories
    if kind == "dangling_link":
        assert not (root / "elsewhere").exists()  # the link itself was replaced


def test_no_room_is_refused_before_drawing(tmp_path, monkeypatch, capsys):
    usage = outputs.shutil.disk_usage(tmp_path)
    monkeypatch.setattr(outputs.shutil, "disk_usage",
                        lambda path: usage._replace(free=10))
    monkeypatch.setattr(jobs, "render_one", lambda job: pytest.fail("must not render"))
    status, out, err = run(["render", "padding_strides", "-o", tmp_path / "new" / "dir/"], capsys)
    assert status == 1 and not out
    line = error_line(err)
    assert line.startswith(f"convviz: error: -o: {tmp_path}: not enough free space: 10 bytes")
    assert list(tmp_path.iterdir()) == []


def test_room_enough_is_not_refused(tmp_path, monkeypatch, capsys):
    # a lower estimate: even 100 kB free lets a small picture through
    usage = outputs.shutil.disk_usage(tmp_path)
    monkeypatch.setattr(outputs.shutil, "disk_usage",
                        lambda path: usage._replace(free=100_000))
    status, _, err = run(["render", *SMALL, "-o", tmp_path / "x.gif"], capsys)
    assert status == 0, err
    assert (tmp_path / "x.gif").read_bytes().startswith(b"GIF89a")


def test_a_directory_that_takes_no_files_is_refused_before_drawing(monkeypatch, capsys):
    # /proc refuses new files even to root: the probe finds it, nothing is drawn
    if not Path("/proc/self").is_dir():
        pytest.skip("no /proc on this system")
    monkeypatch.setattr(jobs, "render_one", lambda job: pytest.fail("must not render"))
    status, _, err = run(["render", *SMALL, "-o", "/proc/convviz-test.gif"], capsys)
    assert status == 1
    assert error_line(err).startswith("convviz: error: -o: /proc: cannot write there (")
    assert not Path("/proc/convviz-test.gif").exists()


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="permissions do not stop root")
def test_an_unwritable_directory_is_refused_before_drawing(tmp_path, monkeypatch, capsys):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    monkeypatch.setattr(jobs, "render_one", lambda job: pytest.fail("must not render"))
    try:
        status, _, err = run(["render", *SMALL, "-o", locked / "sub" / "x.gif"], capsys)
    finally:
        locked.chmod(0o700)
    assert status == 1
    assert error_line(err) == f"convviz: error: -o: {locked}: permission denied (the directory " \
                              "is not writable)"
    assert list(locked.iterdir()) == []


def test_probe_name_does_not_linger(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(jobs, "render_one", fake_render)
    status, _, err = run(["render", *SMALL, "-o", tmp_path / "x.gif"], capsys)
    assert status == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.gif"]


# ======================================================================================
# standard output that cannot be written
# ======================================================================================
@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full on this system")
@pytest.mark.parametrize("argv", [["--help"], ["--version"], ["list"], ["list", "--json"],
                                  ["info", "padding_strides"], ["render", "--help"]])
def test_a_full_standard_output_is_an_error(argv):
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "convviz", *argv], stdout=full,
                              stderr=subprocess.PIPE, text=True, timeout=120, check=False)
    assert done.returncode == 1
    assert error_line(done.stderr) == "convviz: error: standard output: No space left on device"


def test_a_closed_pipe_is_quiet():
    # `convviz list | head -1`: the reader leaves; no message, no traceback
    cmd = f"{sys.executable} -m convviz list | head -1"
    done = subprocess.run(["sh", "-c", cmd], capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.stdout.startswith("NAME")
    assert done.stderr == ""


# ======================================================================================
# signals: workers never outlive the command
# ======================================================================================
def marked_processes(marker: str) -> list[int]:
    """Processes whose environment holds CONVVIZ_TEST_MARKER=marker (they inherit it)."""
    needle = f"CONVVIZ_TEST_MARKER={marker}".encode()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as f:
                if needle in f.read().split(b"\0"):
                    found.append(int(entry))
        except OSError:
            continue  # gone meanwhile, or not ours
    return found


def kill_all(pids: list[int]) -> None:
    for pid in pids:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


def parent_of(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


#: ``python -m convviz`` with Python's own Ctrl-C handler installed first, as a user's shell
#: delivers it (a test run started in the background inherits SIGINT ignored, and so
#: would the command)
_CONVVIZ_WITH_SIGINT = ("import runpy, signal; "
                        "signal.signal(signal.SIGINT, signal.default_int_handler); "
                        "runpy.run_module('convviz', run_name='__main__', alter_sys=True)")


def signal_while_working(args: list[object], signum: int, *, workers: int, settle: float
                         ) -> tuple[subprocess.Popen, bytes, list[int]]:
    """Run ``python -m convviz *args``, wait until ``workers`` of its workers run and
    ``settle`` seconds more, send ``signum`` to the command, and wait for it to end.

    Returns (process, its stderr, the marked processes still alive 5 s later — killed,
    so that a failing run leaves none behind either)."""
    marker = uuid.uuid4().hex
    env = dict(os.environ, CONVVIZ_TEST_MARKER=marker, PYTHONIOENCODING="utf-8")
    proc = subprocess.Popen([sys.executable, "-c", _CONVVIZ_WITH_SIGINT, *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        deadline = time.monotonic() + 120
        while len([p for p in marked_processes(marker) if parent_of(p) == proc.pid]) < workers:
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "no worker started"
            time.sleep(0.1)
        time.sleep(settle)  # work is under way
        assert proc.poll() is None
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=30)  # returns: nobody holds the pipes open
    except BaseException:
        kill_all(marked_processes(marker))
        proc.communicate()
        raise
    deadline = time.monotonic() + 5
    while marked_processes(marker) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = marked_processes(marker)
    kill_all(left)
    return proc, err, left


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")
@pytest.mark.parametrize("signum, status, last_line", [
    (signal.SIGKILL, -signal.SIGKILL, None),
    (signal.SIGTERM, 143, "convviz: terminated"),
    (signal.SIGINT, 130, "convviz: interrupted"),
])
def test_no_worker_outlives_the_command(signum, status, last_line, tmp_path):
    out = tmp_path / "gifs"
    proc, err, left = signal_while_working(["render", "--all", "--jobs", "2", "-o", out],
                                           signum, workers=1, settle=1.0)
    assert left == []
    assert proc.returncode == status
    text = err.decode()
    assert "Traceback" not in text, text  # (the whole of stderr, to tell where it came from)
    if last_line is not None:
        assert text.strip().splitlines()[-1] == last_line
    # whatever was written is complete; no temporary file is left behind
    for path in out.iterdir() if out.exists() else ():
        assert not path.name.startswith(".cvz-"), path
        data = path.read_bytes()
        assert data.startswith(b"GIF89a") and data.endswith(b";"), path


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")
def test_no_gallery_worker_outlives_the_build(tmp_path):
    """The gallery's parallel build (spawned workers) dies with it too: SIGKILL the
    command while its workers draw, and 5 s later none of them is left. (A file the
    killed command itself was writing stays as a hidden temporary file — nothing can
    run after SIGKILL — and the next build removes it.)"""
    site = tmp_path / "site"
    _, _, left = signal_while_working(["gallery", "--lang", "en", "--jobs", "2", "-o", site],
                                      signal.SIGKILL, workers=2, settle=2.0)
    assert left == []
    for path in site.rglob("*") if site.exists() else ():
        assert path.name.startswith(".cvz-") or not path.name.endswith(".tmp"), path
    from test_site import tiny_renderer

    from convviz.site import builder

    builder.build(site, lang="en", jobs=1, renderer=tiny_renderer)
    assert list(site.rglob("*.tmp")) == []


def _leave_a_note_at_exit(path: str) -> str:
    import atexit

    print("from the worker")  # not flushed here: the worker flushes it as it ends
    atexit.register(Path(path).write_text, "torn down")
    return "done"


def test_a_worker_ends_without_tearing_its_interpreter_down(tmp_path, capfd):
    """When its pool shuts down, a worker whose work is done ends at once, its output
    flushed: Python's own teardown (atexit handlers, freeing every module, figure and
    font) is skipped — the build that waits for it is a quarter of a second shorter."""
    import multiprocessing

    from convviz.workers import lifeline_pool

    note = tmp_path / "note"
    with lifeline_pool(1, multiprocessing.get_context("spawn")) as (pool, _):
        assert pool.submit(_leave_a_note_at_exit, str(note)).result() == "done"
    assert not note.exists()
    assert "from the worker" in capfd.readouterr().out


class _RaisesWhenFreed:
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc

    def __del__(self) -> None:
        raise self.exc


def test_an_interruption_a_callback_swallows_is_not_reported_as_an_error(monkeypatch, capsys):
    """A worker stopped because its parent is gone raises KeyboardInterrupt wherever it
    is; landing in a callback (a weak reference's, a finaliser's), Python would print
    "Exception ignored" with a traceback on the command's stderr. That one report is
    dropped; any other still shows."""
    from convviz import workers

    monkeypatch.setattr(sys, "unraisablehook", workers._quiet_interruption)
    monkeypatch.setattr(workers, "_STATE", {"busy": True, "interrupted": True})
    _RaisesWhenFreed(KeyboardInterrupt())
    assert capsys.readouterr().err == ""
    _RaisesWhenFreed(ValueError("boom"))
    assert "boom" in capsys.readouterr().err
    monkeypatch.setattr(workers, "_STATE", {"busy": False, "interrupted": False})
    _RaisesWhenFreed(KeyboardInterrupt())  # not one this worker asked for: reported
    assert "KeyboardInterrupt" in capsys.readouterr().err


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_a_callback_swallows_arrives_again(signum, capsys):
    """SIGTERM (Terminated) or Ctrl-C (KeyboardInterrupt) raised inside a callback
    Python cannot raise from (a weak reference's, a finaliser's) would be printed as
    "Exception ignored" with a traceback and lost; the command sends the signal again
    instead, to arrive where it stops the command, and reports nothing."""
    import time

    from convviz.cli.app import Terminated, _terminate_unwinds

    expected = Terminated if signum == signal.SIGTERM else KeyboardInterrupt
    # Ctrl-C as a user's shell delivers it (a run started in the background inherits
    # SIGINT ignored)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with _terminate_unwinds(), pytest.raises(expected):
            _RaisesWhenFreed(expected())
            for _ in range(100):  # the signal arrives between two steps of this loop
                time.sleep(0.01)
    finally:
        signal.signal(signal.SIGINT, previous)
    assert capsys.readouterr().err == ""


def test_sigterm_in_one_process_leaves_nothing(tmp_path, monkeypatch, capsys):
    """SIGTERM while the file is being put in place: exit 143, no temp file, no directory,
    and the handler the caller had is back afterwards."""
    from convviz.encode import atomic

    def terminated(src, dst):
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)  # the handler interrupts this
        raise AssertionError("SIGTERM did not stop the render")

    monkeypatch.setattr(atomic.os, "replace", terminated)
    monkeypatch.setattr(atomic.os, "link", terminated)
    before = signal.getsignal(signal.SIGTERM)
    status, out, err = run(["render", *SMALL, "-o", tmp_path / "new" / "x.gif"], capsys)
    assert status == 143
    assert err == "convviz: terminated\n" and out == ""
    assert list(tmp_path.iterdir()) == []
    assert signal.getsignal(signal.SIGTERM) is before


_FORKED_SIGTERM = """
import multiprocessing, os, signal, sys, time
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from convviz.workers import GRACE_SECONDS, lifeline_pool

class ParentsTerm(BaseException):
    pass

def parents(signum, frame):
    raise ParentsTerm

def pid():
    return os.getpid()

def write_slowly(path):
    from convviz.encode.atomic import atomic_write
    from convviz.workers import busy
    with busy(), atomic_write(path) as handle:
        handle.write(b"half")
        Path(path + ".pid").write_text(str(os.getpid()))
        time.sleep(30)

def gone(pid, within):
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        status = Path(f"/proc/{pid}/status")
        if not status.exists() or "zombie" in status.read_text(errors="replace").lower():
            return True
        time.sleep(0.05)
    return False

if __name__ == "__main__":
    signal.signal(signal.SIGTERM, parents)
    fork = multiprocessing.get_context("fork")
    with lifeline_pool(1, fork) as (pool, _):
        idle = pool.submit(pid).result()
        os.kill(idle, signal.SIGTERM)
        print("idle gone", gone(idle, 2.0), flush=True)
    target = sys.argv[1]
    with lifeline_pool(1, fork) as (pool, _):
        future = pool.submit(write_slowly, target)
        deadline = time.monotonic() + 30
        while not os.path.exists(target + ".pid") and time.monotonic() < deadline:
            time.sleep(0.05)
        busy = int(Path(target + ".pid").read_text())
        os.kill(busy, signal.SIGTERM)
        try:
            future.result(timeout=GRACE_SECONDS + 5)
            print("busy result")
        except (KeyboardInterrupt, BrokenProcessPool) as exc:
            print("busy stopped", type(exc).__name__)
        print("busy gone", gone(busy, GRACE_SECONDS + 1), flush=True)
"""


@pytest.mark.skipif(not hasattr(os, "fork") or not Path("/proc/self").exists(),
                    reason="needs fork and /proc")
def test_sigterm_ends_a_forked_worker_without_its_parents_handler(tmp_path):
    """A worker forked from a process with a SIGTERM handler of its own (as the command
    has) does not run it: SIGTERM (as a pool sends to end its workers) ends an idle worker
    at once, and a busy one once its work is interrupted like Ctrl-C (its temporary file
    removed) — nothing reported on stderr. (In a process of its own: it forks.)"""
    target = tmp_path / "slow.bin"
    run = subprocess.run([sys.executable, "-c", _FORKED_SIGTERM, str(target)],
                         capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "idle gone True"
    assert lines[1].startswith("busy stopped") and lines[2] == "busy gone True", lines
    assert not target.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".cvz-")] == []
    assert "Traceback" not in run.stderr and "ParentsTerm" not in run.stderr, run.stderr
