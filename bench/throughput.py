"""`alis batch` against the bare libraries parsing the same files, at several batch sizes.

    python bench/throughput.py --counts 100 400 1000 --seed 1 --workers 2 \
        --server http://127.0.0.1:4200/api --wall-only 1500 --isolation 200

For each size, one generated inbox (no scans unless --scans: the bare libraries
do no OCR) is run through `alis batch` with its temporary Prefect server and,
with `--server URL`, again with the running server at URL (a fresh OUT each
time, so every submission is decided), and the same files are opened one after another in
this process by pdfplumber (text and tables of every page), python-docx
(paragraphs and table cells) and openpyxl (every cell). Prints wall times and
their ratio, the CPU the batch used (all its processes) against the bare parse's
(the ratio a shared machine's load changes least), and the peak memory
(RSS) of the command's own process, of the Prefect server it started, and of
the children that read the files (the largest one, and all of them at once).
`--isolation N` also prints what reading a file in an isolated child costs
over reading it in this process, over N files. `--wall-only N` runs batches
of N submissions with the temporary server and prints only their wall time.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.extract_speed import bare_docx, bare_pdf, bare_xlsx  # noqa: E402
from samples.generator import generate  # noqa: E402

ALIS = str(Path(sys.executable).parent / "alis")
BARE = {".pdf": bare_pdf, ".docx": bare_docx, ".xlsx": bare_xlsx, ".xlsm": bare_xlsx}


@dataclass
class Peaks:
    """Peak RSS in MB, sampled from /proc while the command runs."""

    main: float = 0.0
    server: float = 0.0
    child: float = 0.0
    children: float = 0.0  # proportional (PSS): pages the children share with the forkserver count once
    _cpu: dict[int, float] = field(default_factory=dict)
    _role: dict[int, str] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)

    @property
    def cpu(self) -> float:
        """CPU seconds of the command and every process it started (the server's too), as last seen."""
        return sum(self._cpu.values())

    def cpu_of(self, role: str) -> float:
        return sum(seconds for pid, seconds in self._cpu.items() if self._role.get(pid) == role)

    def watch(self, pid: int) -> threading.Thread:
        thread = threading.Thread(target=self._sample, args=(pid,), daemon=True)
        thread.start()
        return thread

    def _sample(self, pid: int) -> None:
        while not self._stop.is_set():
            tree = _descendants(pid)
            self.main = max(self.main, _rss(pid, "VmHWM"))
            readers = 0.0
            for one in [pid, *tree]:
                self._cpu[one] = max(self._cpu.get(one, 0.0), _cpu(one))
            self._role[pid] = "main"
            for child in tree:
                server = b"prefect" in _cmdline(child) or b"uvicorn" in _cmdline(child)
                self._role.setdefault(child, "server" if server else "children")
                if server:
                    self.server = max(self.server, _rss(child, "VmHWM"))
                else:
                    self.child = max(self.child, _rss(child, "VmRSS"))
                    readers += _pss(child)
            self.children = max(self.children, readers)
            time.sleep(0.2)

    def stop(self) -> None:
        self._stop.set()


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as fh:
                    parent = int(fh.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(parent, []).append(int(entry))
    found, queue = [], [pid]
    while queue:
        for child in children.get(queue.pop(), []):
            found.append(child)
            queue.append(child)
    return found


def _rss(pid: int, key: str) -> float:
    return _kilobytes(f"/proc/{pid}/status", key)


def _pss(pid: int) -> float:
    return _kilobytes(f"/proc/{pid}/smaps_rollup", "Pss")


def _kilobytes(path: str, key: str) -> float:
    """The `key:` line of a /proc file (kB there) in MB; 0 when the process is gone."""
    try:
        with open(path, "rb") as fh:
            for line in fh:
                if line.startswith(key.encode() + b":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _cpu(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            fields = fh.read().rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cmdline(pid: int) -> bytes:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return fh.read()
    except OSError:
        return b""


def run_batch(inbox: Path, out: Path, workers: int, extra: list[str],
              server: str | None) -> tuple[float, float, Peaks, str]:
    """Wall seconds, CPU seconds of the command and everything it started, peak memory, its last line.
    `server` is a running server's API URL; None starts a temporary one."""
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    if server:
        env["PREFECT_API_URL"] = server
    start = time.perf_counter()
    process = subprocess.Popen([ALIS, "batch", str(inbox), "--out", str(out), "--workers", str(workers), *extra],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    peaks = Peaks()
    peaks.watch(process.pid)
    stdout, stderr = process.communicate()
    wall = time.perf_counter() - start
    peaks.stop()
    if process.returncode != 0:
        sys.exit(f"alis batch failed ({process.returncode}):\n{stderr[-3000:]}")
    return wall, peaks.cpu, peaks, stdout.strip().splitlines()[-1]


def attachments(inbox: Path, scratch: Path) -> list[Path]:
    """Every file the bare libraries open, zips unpacked first."""
    found = []
    for entry in sorted(inbox.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.suffix == ".zip":
            folder = scratch / entry.stem
            with zipfile.ZipFile(entry) as archive:
                archive.extractall(folder)
            entry = folder
        found += [p for p in sorted(entry.rglob("*")) if p.suffix.lower() in BARE]
    return found


def bare_parse(files: list[Path]) -> tuple[float, float]:
    """Wall and CPU seconds of the bare libraries opening every file one after another."""
    start, cpu = time.perf_counter(), time.process_time()
    for path in files:
        try:
            BARE[path.suffix.lower()](path)
        except Exception:  # noqa: BLE001 - a broken file costs what it cost the library to fail
            pass
    return time.perf_counter() - start, time.process_time() - cpu


def isolation_cost(files: list[Path]) -> tuple[float, float]:
    """Milliseconds a file: read here, and read in an isolated child (after a first, warming read)."""
    from extractors import read_attachment
    from pipeline.isolation import read_isolated

    read_isolated(files[0], files[0].name)
    start = time.perf_counter()
    for path in files:
        read_isolated(path, path.name)
    isolated = time.perf_counter() - start
    start = time.perf_counter()
    for path in files:
        read_attachment(path)
    here = time.perf_counter() - start
    return 1000 * here / len(files), 1000 * isolated / len(files)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[100, 400, 1000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--scans", type=float, default=0.0, help="share of agreements drawn as scans (OCR)")
    parser.add_argument("--isolation", type=int, default=0, help="files to measure the isolation cost on")
    parser.add_argument("--server", help="a running Prefect server's API URL: each inbox also runs against it")
    parser.add_argument("--wall-only", type=int, nargs="*", default=[], help="sizes timed by wall time alone")
    parser.add_argument("--dask", help="pass --dask ADDRESS to alis batch")
    args = parser.parse_args()
    extra = ["--dask", args.dask] if args.dask else []
    servers = [None, args.server] if args.server else [None]
    print(f"alis batch --workers {args.workers}{' --dask ' + args.dask if args.dask else ''} against "
          f"pdfplumber/python-docx/openpyxl one after another; seed {args.seed}, scans {args.scans:g}")
    print(f"{'size':>5} {'files':>6} {'server':>7} {'batch s':>8} {'bare s':>7} {'ratio':>6} {'ms/sub':>7} "
          f"{'cpu s':>6} {'main MB':>8} {'server MB':>9} {'child MB':>8} {'children MB':>11} {'load':>5}")
    for count in args.counts:
        with tempfile.TemporaryDirectory(prefix="alis-bench-") as folder:
            tmp = Path(folder)
            inbox = tmp / "inbox"
            generate(inbox, count, args.seed, scans=args.scans)
            files = attachments(inbox, tmp / "unpacked")
            bare, bare_cpu = bare_parse(files)
            print(f"      bare parse: {bare:.1f} s wall, {bare_cpu:.1f} s cpu (load {os.getloadavg()[0]:.2f})",
                  flush=True)
            for server in servers:
                load = os.getloadavg()[0]
                wall, cpu, peaks, _ = run_batch(inbox, tmp / "out", args.workers, extra, server)
                print(f"{count:5d} {len(files):6d} {'running' if server else 'temp':>7} {wall:8.1f} {bare:7.1f} "
                      f"{wall / bare:6.2f} {1000 * wall / count:7.0f} {cpu:6.1f} {peaks.main:8.0f} "
                      f"{peaks.server:9.0f} {peaks.child:8.0f} {peaks.children:11.0f} {load:5.2f}", flush=True)
                print(f"      cpu s: main {peaks.cpu_of('main'):.1f}, server {peaks.cpu_of('server'):.1f}, "
                      f"children {peaks.cpu_of('children'):.1f}; batch cpu / bare cpu {cpu / bare_cpu:.2f}",
                      flush=True)
                shutil.rmtree(tmp / "out", ignore_errors=True)
            if args.isolation:
                here, isolated = isolation_cost(files[: args.isolation])
                print(f"      isolation: {here:.1f} ms a file here, {isolated:.1f} ms in a child: "
                      f"{isolated - here:+.1f} ms a file (load {os.getloadavg()[0]:.2f})", flush=True)
    for count in args.wall_only:
        with tempfile.TemporaryDirectory(prefix="alis-bench-") as folder:
            tmp = Path(folder)
            generate(tmp / "inbox", count, args.seed, scans=args.scans)
            load = os.getloadavg()[0]
            wall, cpu, peaks, _ = run_batch(tmp / "inbox", tmp / "out", args.workers, extra, None)
            print(f"{count:5d} submissions, temp server: {wall:.1f} s wall ({1000 * wall / count:.0f} ms a "
                  f"submission), cpu {cpu:.1f} s, main {peaks.main:.0f} MB, load {load:.2f}", flush=True)


if __name__ == "__main__":
    main()
