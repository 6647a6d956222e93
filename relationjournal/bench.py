"""Benchmarks: every user-facing operation beside the fastest thing the same stack can do (the floor).

    python -m relationjournal.bench [--people 10000] [--interactions 1000000] [--repeat 5]
    python -m relationjournal.bench --memory-security [--people 1000] [--interactions 20000]

The journal is built once with `relationjournal demo` data and cached (in the user cache folder,
or --cache DIR) between runs. Each case runs --repeat times and prints median, min and max, the
floor measured in the same run, and their ratio; the table is also written as Markdown (--out).
The cached journal's key is kept in a keyring file inside the cache folder: synthetic data only.
Needs the test extras (keyrings.alt) installed.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

MEMORY_SECURITY_HEAVY = ("CSV export of the whole journal", "log 1,000 conversations, one transaction each")
TABLES = ("tag", "person", "handle", "person_tag", "note", "interaction", "reminder", "programme_membership")
STALL_TARGET = 0.050  # the longest the app's event loop may be blocked during any user action
STALL_TARGETS = {"insights": 0.100}  # drawing five charts at once: its own, looser target
STALL_CASES = {  # the probe's name of each action → its row in the table
    "idle": "GUI stall probe, the window idle for 1 s (the probe's own floor)",
    "people filter": "GUI stall: type “amaka” in the people filter, 150 ms a key, until the list shows",
    "search": "GUI stall: type “marathon” in Search, 120 ms a key, until the results show",
    "today": "GUI stall: open Today until the due list shows",
    "insights": "Insights page, draw: open Insights (the year's numbers read in the background) until drawn",
    "log": "GUI stall: log a conversation (Log dialog, Save) until their page and Today are refreshed",
    "export": "GUI stall: Export to CSV (warning, background export) until “Exported to” shows",
    "import": "GUI stall: Import from CSV (a 1,000 / 20,000 export, background) until every view has followed",
}


def _longest_within(target: float) -> Callable[[Result], bool]:
    return lambda result: max(result.times) <= target


@dataclass
class Result:
    case: str
    times: list[float]
    floor: list[float] | None
    target: str
    check: Callable[[Result], bool] | None  # None: measured to be shown, with no target of its own
    unit: str = "ms"
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def ratio(self) -> float | None:
        return self.median / statistics.median(self.floor) if self.floor else None

    @property
    def met(self) -> bool | None:
        return None if self.check is None else self.check(self)

    def row(self) -> list[str]:
        scale = 1000 if self.unit == "ms" else 1

        def fmt(values: list[float] | None, pick: Callable[[list[float]], float]) -> str:
            if not values:
                return "—"
            value = pick(values) * scale
            return f"{value:,.2f}" if value < 10 else f"{value:,.1f}"  # sub-millisecond cases need the digits

        return [
            self.case, fmt(self.times, statistics.median), fmt(self.times, min), fmt(self.times, max),
            fmt(self.floor, statistics.median), f"{self.ratio:.2f}×" if self.ratio else "—", self.target,
            {True: "yes", False: "**no**", None: "—"}[self.met],
        ]  # fmt: skip


def percentile(values: list[float], p: float) -> float:
    """The `p`th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def typing_queries() -> list[str]:
    """What someone types into search, drawn from the demo data's own words: prefixes of 2 to 8
    letters of single words, two words (the second one partly typed), and words it never uses."""
    from relationjournal.core.demo import NOTES, SUMMARIES

    words = sorted({w.strip(".,*!?():-").lower() for line in SUMMARIES + NOTES for w in line.split()} - {""})
    words = [w for w in words if len(w) >= 4 and w.isalpha()]
    single = [w[:n] for i, w in enumerate(words) for n in (2 + i % 7,)]  # 2 to 8 letters
    pairs = [f"{a} {b[: 2 + i % 4]}" for i, (a, b) in enumerate(zip(words[::3], words[1::3], strict=False))]
    nothing = ["zq", "qwx", "xylophone", "quasar", "zzyzx lorem", "marathon qq"]
    return single + pairs + nothing


def raw_insert(connection: Any, rows: dict[str, list[Any]]) -> float:
    """The floor for writing rows: one transaction of plain executemany calls; returns the seconds taken."""
    start = time.perf_counter()
    connection.execute("BEGIN")
    for table in TABLES:
        connection.execute(f"DELETE FROM {table}")  # the rows a new journal starts with (none, or its tags)
        if rows[table]:
            marks = ", ".join("?" * len(rows[table][0]))
            connection.executemany(f"INSERT INTO {table} VALUES ({marks})", rows[table])
    connection.execute("COMMIT")
    return time.perf_counter() - start


def timed(work: Callable[[], Any], repeat: int, *, inner: int = 1) -> list[float]:
    """`repeat` samples of the seconds one call takes; each sample times `inner` calls and takes
    their mean, as `timeit` does: a single sub-millisecond call is within the timer's noise."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(inner):
            work()
        times.append((time.perf_counter() - start) / inner)
    return times


class Bench:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.cache = Path(args.cache).absolute()
        self.cache.mkdir(parents=True, exist_ok=True)
        self.env = {
            **os.environ,
            "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring",
            "XDG_DATA_HOME": str(self.cache / "xdg"),
            "QT_QPA_PLATFORM": "offscreen",
        }
        os.environ.update({k: self.env[k] for k in ("PYTHON_KEYRING_BACKEND", "XDG_DATA_HOME", "QT_QPA_PLATFORM")})
        from relationjournal.core.locations import resolve_location

        self.location = resolve_location(self.cache / "data")
        self.results: list[Result] = []

    # Building the journal ------------------------------------------------------------------------
    def build(self) -> None:
        from relationjournal.core.access import create_journal

        if self.location.exists():
            print(f"using the cached journal in {self.location.data_dir}")
            return
        print(f"building {self.args.people:,} people / {self.args.interactions:,} interactions …", flush=True)
        created = create_journal(self.location)
        start = time.perf_counter()
        created.journal.fill_demo(people=self.args.people, interactions=self.args.interactions, seed=1)
        demo_time = time.perf_counter() - start
        created.journal.close()
        floor = self.raw_insert_floor()
        (self.cache / "build.txt").write_text(f"{demo_time}\n{floor}\n")

    def raw(self, location: Any = None, *, cache_kib: int | None = 65_536) -> Any:
        """A plain sqlcipher3 connection to a journal (the benchmark's own by default): the floors'
        side of each case, keyed from the keyring like the app, and nothing else."""
        import sqlcipher3

        from relationjournal.core.folding import fold
        from relationjournal.core.vault import load_key, read_meta

        location = location or self.location
        meta = read_meta(location)
        assert meta is not None
        connection = sqlcipher3.connect(str(location.database), isolation_level=None)
        connection.execute(f'PRAGMA key = "{load_key(meta.journal_id).pragma_value()}"')
        connection.create_function("rj_fold", 1, fold, deterministic=True)  # the journal's triggers call it
        connection.execute("PRAGMA temp_store = MEMORY")
        if cache_kib:
            connection.execute(f"PRAGMA cache_size = -{cache_kib}")
        return connection

    def raw_insert_floor(self) -> float:
        """The same rows, read back as stored, inserted with a raw executemany into a fresh schema."""
        from relationjournal.core.access import create_journal
        from relationjournal.core.locations import resolve_location

        source = self.raw()
        target_location = resolve_location(self.cache / "floor")
        shutil.rmtree(target_location.data_dir, ignore_errors=True)
        create_journal(target_location).journal.close()
        rows = {table: source.execute(f"SELECT * FROM {table}").fetchall() for table in TABLES}
        source.close()
        target = self.raw(target_location, cache_kib=None)
        elapsed = raw_insert(target, rows)
        target.close()
        shutil.rmtree(target_location.data_dir, ignore_errors=True)
        return elapsed

    # The cases ------------------------------------------------------------------------------------
    def run(self) -> None:
        from relationjournal.core.access import open_journal
        from relationjournal.core.records import PeopleFilter

        repeat = self.args.repeat
        demo_time, insert_floor = (float(x) for x in (self.cache / "build.txt").read_text().split())
        self.results.append(Result(f"demo data ({self.args.people:,} / {self.args.interactions:,})", [demo_time],
                                   [insert_floor], "≤ 1.5× raw executemany", lambda r: (r.ratio or 9) <= 1.5, "s",
                                   "built once; cached"))  # fmt: skip

        def raw_open() -> None:
            connection = self.raw()
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
            connection.close()

        open_times = timed(lambda: open_journal(self.location).close(), repeat)
        self.results.append(Result("open the journal (keyring, pragmas, migrations check)", open_times,
                                   timed(raw_open, repeat), "≤ 10 ms", lambda r: r.median <= 0.010))  # fmt: skip

        journal = open_journal(self.location)
        journal.due_reminders()  # first call makes the stay-in-touch rows that have come due
        keystrokes = ["a", "am", "ama", "amak", "amaka"]
        typing = []
        for _ in range(repeat):
            for prefix in keystrokes:
                typing.extend(timed(partial(journal.person_ids, PeopleFilter(text=prefix)), 1))
        self.results.append(Result(f"people search-as-you-type, one keystroke ({self.args.people:,} people)", typing,
                                   None, "≤ 16 ms", lambda r: r.median <= 0.016))  # fmt: skip
        accented = ["z", "zö", "zoë", "zoë m", "zoë mü", "zoë mül"]  # typed with accents, found regardless
        typing = []
        for _ in range(repeat):
            for prefix in accented:
                typing.extend(timed(partial(journal.person_ids, PeopleFilter(text=prefix)), 1))
        self.results.append(Result(f"people filter ignoring accents (“zoë mül”), one keystroke "
                                   f"({self.args.people:,} people)", typing, None, "≤ 16 ms",
                                   lambda r: r.median <= 0.016))  # fmt: skip

        connection = self.raw()
        busiest = connection.execute(
            "SELECT person_id FROM interaction GROUP BY person_id ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()[0]
        raw_timeline_sql = (
            "SELECT * FROM (SELECT i.id, i.person_id, i.occurred_at AS t, i.channel, i.direction, i.summary, i.body, "
            "i.tone, i.context, i.hard_event, i.reached_out_by, i.follow_up_on, i.created_at, p.display_name "
            "FROM interaction i JOIN person p ON p.id = i.person_id WHERE i.person_id = ? "
            "ORDER BY i.occurred_at DESC LIMIT 100) UNION ALL "
            "SELECT * FROM (SELECT n.id, n.person_id, n.created_at AS t, NULL, NULL, NULL, n.body, NULL, NULL, "
            "n.hard_event, n.pinned, NULL, n.updated_at, p.display_name FROM note n JOIN person p "
            "ON p.id = n.person_id WHERE n.person_id = ? ORDER BY n.created_at DESC LIMIT 100) "
            "ORDER BY t DESC LIMIT 100"
        )

        def app_timeline() -> None:
            journal.timeline(busiest, limit=100)  # what opening their page reads

        def raw_timeline() -> None:
            connection.execute(raw_timeline_sql, (busiest, busiest)).fetchall()

        self.results.append(Result("one person's timeline, newest 100 (busiest person; 50 calls a run)",
                                   timed(app_timeline, repeat, inner=50), timed(raw_timeline, repeat, inner=50),
                                   "≤ 2× raw SQL", lambda r: (r.ratio or 9) <= 2))  # fmt: skip

        raw_fts = [
            f"SELECT c.id, c.{person}, p.display_name, bm25({t}_fts) AS s FROM {t}_fts JOIN {t} c "
            f"ON c.id = {t}_fts.rowid JOIN person p ON p.id = c.{person} WHERE {t}_fts MATCH ? ORDER BY s LIMIT 50"
            for t, person in (("person", "id"), ("note", "person_id"), ("interaction", "person_id"))
        ]

        def raw_search() -> None:
            for sql in raw_fts:
                connection.execute(sql, ('"marathon"*',)).fetchall()

        self.results.append(Result("search, best matches (ranked), top 50 of each kind", timed(
            lambda: journal.search("marathon", limit=50, best=True), repeat), timed(raw_search, repeat),
            "≤ 1.5× raw FTS5 bm25", lambda r: (r.ratio or 9) <= 1.5))  # fmt: skip

        from relationjournal.core.search import fts_query

        raw_newest = [
            f"SELECT c.id, c.{person}, p.display_name FROM (SELECT rowid FROM {t}_fts WHERE {t}_fts MATCH ? "
            f"ORDER BY rowid DESC LIMIT 50) AS h JOIN {t} c ON c.id = h.rowid JOIN person p ON p.id = c.{person}"
            for t, person in (("person", "id"), ("note", "person_id"), ("interaction", "person_id"))
        ]
        typing, floor = [], []

        def raw_typed(match: str | None) -> None:
            for sql in raw_newest:
                connection.execute(sql, (match,)).fetchall()

        for query in typing_queries():
            for _ in range(repeat):
                typing.extend(timed(partial(journal.search, query, limit=50), 1))
                floor.extend(timed(partial(raw_typed, fts_query(query)), 1))
        self.results.append(Result(
            f"search while typing: {len(typing_queries())} queries (2-8 letter prefixes, one and two words, "
            f"some matching nothing), newest 50 of each kind; p95 {percentile(typing, 95) * 1000:.1f} ms",
            typing, floor, "p95 ≤ 30 ms, max ≤ 100 ms",
            lambda r: percentile(r.times, 95) <= 0.030 and max(r.times) <= 0.100))  # fmt: skip

        self.results.append(Result(f"due reminders ({self.args.people:,} people)", timed(journal.due_reminders, repeat),
                                   None, "≤ 50 ms", lambda r: r.median <= 0.050))  # fmt: skip

        from relationjournal.core.insights import InsightsFilter

        self.results.append(Result("insights, one year (rhythm, who reaches out, one-sided, slipping, load, "
                                   "programmes)", timed(partial(journal.insights, InsightsFilter()), repeat), None,
                                   "≤ 300 ms", lambda r: r.median <= 0.300))  # fmt: skip

        export_dir = self.cache / "export"
        shutil.rmtree(export_dir, ignore_errors=True)
        heavy = max(1, min(repeat, self.args.heavy_repeat))
        made: list[Path] = []  # each export makes its own dated folder inside export_dir
        export_times = timed(lambda: made.append(journal.export_csv(export_dir)[0].parent), heavy)
        raw_dir = self.cache / "export-floor"

        def raw_export() -> None:
            raw_dir.mkdir(exist_ok=True)
            for table in TABLES:
                cursor = connection.execute(f"SELECT * FROM {table}")
                with (raw_dir / f"{table}.csv").open("w", newline="", encoding="utf-8") as handle:
                    writer = csv.writer(handle)
                    writer.writerow([d[0] for d in cursor.description])
                    writer.writerows(cursor)

        self.results.append(Result("CSV export of the whole journal", export_times, timed(raw_export, heavy),
                                   "≤ 1.3× raw cursor + csv.writer", lambda r: (r.ratio or 9) <= 1.3, "s"))  # fmt: skip
        journal.close()
        connection.close()
        self.results.append(self.import_case(made[-1], heavy))
        self.results.extend(self.linkedin_import_case())
        self.results.extend(self.cold_start())
        self.results.append(self.scroll_memory())
        self.results.extend(self.gui_stalls())

    def import_case(self, export_dir: Path, heavy: int) -> Result:
        from relationjournal.core.access import create_journal
        from relationjournal.core.locations import resolve_location

        times, floors = [], []
        for _ in range(heavy):
            target = resolve_location(self.cache / "import")
            shutil.rmtree(target.data_dir, ignore_errors=True)
            with create_journal(target).journal as fresh:
                times.extend(timed(partial(fresh.import_csv, export_dir), 1))
            shutil.rmtree(target.data_dir, ignore_errors=True)
            create_journal(target).journal.close()
            floor = self.raw(target, cache_kib=None)
            parsed = {}
            for table in TABLES:
                # As text (the floor does no parsing), but an empty cell of a column that may be NULL is
                # NULL, as it was read: a CHECK (a conversation has one kind of channel) looks at it.
                nullable = [not row[3] for row in floor.execute(f"PRAGMA table_info({table})")]
                with (self.cache / "export-floor" / f"{table}.csv").open(newline="", encoding="utf-8") as handle:
                    reader = csv.reader(handle)
                    next(reader)
                    parsed[table] = [
                        [None if value == "" and empty_is_null else value
                         for value, empty_is_null in zip(row, nullable, strict=True)]
                        for row in reader
                    ]  # fmt: skip
            floors.append(raw_insert(floor, parsed))
            floor.close()
            shutil.rmtree(target.data_dir, ignore_errors=True)
        return Result("CSV import of that export into a new journal", times, floors, "≤ 2× raw executemany",
                      lambda r: (r.ratio or 9) <= 2, "s")  # fmt: skip

    # Importing a LinkedIn export -----------------------------------------------------------------------
    def linkedin_sizes(self) -> tuple[int, int]:
        """Connections and messages: 30,000 and 200,000 beside 10,000 people and 1,000,000 interactions."""
        return self.args.people * 3, max(100, self.args.interactions // 5)

    def linkedin_export(self) -> Path:
        """A synthetic LinkedIn export in the real format (the `Notes:` preamble, quoted multi-line
        messages, newest first per conversation), made once and cached beside the journal."""
        connections, messages = self.linkedin_sizes()
        folder = self.cache / f"linkedin-export-{connections}-{messages}"
        if (folder / "messages.csv").exists():
            return folder
        folder.mkdir(parents=True, exist_ok=True)
        first = ["Ada", "Zoë", "Grace", "Amaka", "Noor", "Sam", "Lena", "Jürgen", "Renée", "Kwame", "Mei", "Ola"]
        last = ["Lovelace", "Müller", "Hopper", "Obi", "Haddad", "Taylor", "Berg", "Dupont", "Mensah", "Chen"]
        url = "https://www.linkedin.com/in/bench-{:06d}"
        with (folder / "Connections.csv").open("w", encoding="utf-8", newline="") as handle:
            handle.write('Notes:\n"When exporting your connection data, you may notice that some of the email '
                         'addresses are missing."\n\n')  # fmt: skip
            writer = csv.writer(handle)
            writer.writerow(["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"])
            for i in range(connections):
                email = f"bench{i}@example.org" if i % 10 == 0 else ""
                writer.writerow([first[i % len(first)], f"{last[(i // len(first)) % len(last)]}-{i}", url.format(i),
                                 email, f"Company {i % 500}", "Engineer", "15 Mar 2024"])  # fmt: skip
        owner = "https://www.linkedin.com/in/bench-owner"
        header = ["CONVERSATION ID", "CONVERSATION TITLE", "FROM", "SENDER PROFILE URL", "TO",
                  "RECIPIENT PROFILE URLS", "DATE", "SUBJECT", "CONTENT", "FOLDER"]  # fmt: skip
        per_conversation = 10
        with (folder / "messages.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            for n in range(messages):
                conversation, k = divmod(n, per_conversation)
                who = conversation % connections
                name = f"{first[who % len(first)]} {last[(who // len(first)) % len(last)]}-{who}"
                day, minute = divmod((per_conversation - 1 - k) * 37, 60 * 24)  # newest first
                when = f"2025-{1 + conversation % 12:02d}-{1 + conversation % 27 + day:02d} " \
                       f"{minute // 60:02d}:{minute % 60:02d}:00 UTC"  # fmt: skip
                mine = k % 2 == 0
                writer.writerow([f"2-bench{conversation}==", "", "Bench Owner" if mine else name,
                                 owner if mine else url.format(who), name if mine else "Bench Owner",
                                 url.format(who) if mine else owner, when, "",
                                 f"Message {n} about the marathon.\nSecond line of {n}.", "INBOX"])  # fmt: skip
        return folder

    def linkedin_import_case(self) -> list[Result]:
        """Import the synthetic LinkedIn export into a copy of the benchmark journal (in a process of its
        own, for its peak memory), beside a raw executemany of the very rows it wrote into another copy."""
        export = self.linkedin_export()
        connections, messages = self.linkedin_sizes()
        times, floors, peaks = [], [], []
        for _ in range(max(1, min(self.args.repeat, self.args.heavy_repeat))):
            command = [sys.executable, "-m", "relationjournal.bench", "--linkedin-import-child", str(export),
                       "--cache", str(self.cache), "--people", str(self.args.people), "--interactions",
                       str(self.args.interactions)]  # fmt: skip
            child = subprocess.run(command, env=self.env, capture_output=True, text=True, timeout=3600)
            if child.returncode != 0:
                raise RuntimeError(f"the LinkedIn import failed:\n{child.stderr[-4000:]}")
            seconds, floor, peak = json.loads(child.stdout.splitlines()[-1])
            times.append(seconds)
            floors.append(floor)
            peaks.append(peak)
        size = f"{connections:,} connections, {messages:,} messages into {self.args.people:,} people"
        return [
            Result(f"LinkedIn import ({size})", times, floors, "≤ 2× raw executemany of its rows",
                   lambda r: (r.ratio or 9) <= 2, "s"),
            Result("LinkedIn import: peak memory of the process", peaks, None, "peak RSS < 300 MB",
                   lambda r: max(r.times) < 300, "MB"),
        ]  # fmt: skip

    def linkedin_import_child(self, export: Path) -> list[float]:
        """One LinkedIn import and its floor: [seconds, floor seconds, peak MB of this process]."""
        from relationjournal.core.access import open_journal

        tables = ("person", "handle", "person_tag", "interaction", "import_source")
        copy = self.copy_journal("linkedin-import")
        raw = self.raw(copy)
        before = {table: raw.execute(f"SELECT coalesce(max(rowid), 0) FROM {table}").fetchone()[0] for table in tables}
        raw.close()
        journal = open_journal(copy)
        start = time.perf_counter()
        journal.import_source(export, kind="linkedin")
        seconds = time.perf_counter() - start
        journal.close()
        status = Path("/proc/self/status")
        peak = 0.0
        if status.exists():  # VmHWM: this process's peak memory
            peak = next(int(x.split()[1]) for x in status.read_text().splitlines() if x.startswith("VmHWM:")) / 1024
        raw = self.raw(copy)
        rows = {table: raw.execute(f"SELECT * FROM {table} WHERE rowid > ?", (before[table],)).fetchall()
                for table in tables}  # fmt: skip
        raw.close()
        shutil.rmtree(copy.data_dir)
        target = self.copy_journal("linkedin-floor")
        floor = self.raw(target, cache_kib=None)
        start = time.perf_counter()
        floor.execute("BEGIN")
        for table in tables:
            if rows[table]:
                marks = ", ".join("?" * len(rows[table][0]))
                floor.executemany(f"INSERT INTO {table} VALUES ({marks})", rows[table])
        floor.execute("COMMIT")
        floor_seconds = time.perf_counter() - start
        floor.close()
        shutil.rmtree(target.data_dir)
        return [seconds, floor_seconds, peak]

    def cold_start(self) -> list[Result]:
        """First paint of the main window against a bare PySide6 window's, both timed from just
        before the process starts to the paint (each prints `first paint at <epoch seconds>`).

        Both run with their bytecode cached, as an installed app does (pip compiles it at install):
        with PYTHONDONTWRITEBYTECODE, as in some development shells, every start would compile
        the app's modules again.
        """
        bare = textwrap.dedent("""
            import sys, time
            from PySide6.QtCore import QEvent, QObject, QTimer
            from PySide6.QtWidgets import QApplication, QMainWindow
            class Quit(QObject):
                def eventFilter(self, watched, event):
                    if event.type() == QEvent.Type.Paint:
                        print(f"first paint at {time.time():.6f}", flush=True)
                        QTimer.singleShot(0, QApplication.quit)
                    return False
            app = QApplication(sys.argv[:1])
            window = QMainWindow()
            quitter = Quit()
            window.installEventFilter(quitter)
            window.show()
            sys.exit(app.exec())
        """)
        env = {**self.env, "RELATIONJOURNAL_DATA_DIR": str(self.location.data_dir),
               "PYTHONPYCACHEPREFIX": str(self.cache / "pycache")}  # fmt: skip
        env.pop("PYTHONDONTWRITEBYTECODE", None)

        def run(command: list[str]) -> dict[str, float]:
            """Seconds from just before the start to each moment the process reports."""
            start = time.time()
            output = subprocess.run(command, env=env, check=True, capture_output=True, text=True, timeout=120).stdout
            return {what: float(when) - start for what, _, when in (line.rpartition(" at ") for line in
                                                                    output.splitlines()) if what}  # fmt: skip

        app = [sys.executable, "-m", "relationjournal", "gui", "--quit-after-paint"]
        run(app), run([sys.executable, "-c", bare])  # warm-up: bytecode written, files in the OS cache
        apps = [run(app) for _ in range(self.args.repeat)]
        floor = [run([sys.executable, "-c", bare])["first paint"] for _ in range(self.args.repeat)]
        return [
            Result("cold start to first paint of the main window (gui --quit-after-paint)",
                   [a["first paint"] for a in apps], floor, "≤ 1.5× bare PySide6 window",
                   lambda r: (r.ratio or 9) <= 1.5),
            Result(f"cold start until the journal shows in it ({self.args.people:,} people)",
                   [a["journal shown"] for a in apps], None, "— (shown for the record)", None),
        ]  # fmt: skip

    # SQLCipher's memory security -------------------------------------------------------------------
    def memory_security(self) -> list[Result]:
        """The same user actions with `PRAGMA cipher_memory_security` OFF (the default) and ON.

        ON, SQLCipher wipes (and unlocks) every allocation it frees. The setting is process-wide and
        one-way (once ON it stays ON), so each setting runs in processes of its own, alternated for
        `--rounds`; each works on its own copy of the journal. In the table, "floor" is OFF and
        "ratio" is ON / OFF.
        """
        samples: dict[str, dict[str, list[float]]] = {"OFF": {}, "ON": {}}
        for _ in range(self.args.rounds):
            for setting in samples:
                command = [sys.executable, "-m", "relationjournal.bench", "--memory-security-child", setting,
                           "--cache", str(self.cache), "--people", str(self.args.people), "--interactions",
                           str(self.args.interactions), "--repeat", str(self.args.repeat), "--heavy-repeat",
                           str(self.args.heavy_repeat)]  # fmt: skip
                output = subprocess.run(command, env=self.env, check=True, capture_output=True, text=True,
                                        timeout=3600).stdout  # fmt: skip
                for case, times in json.loads(output.splitlines()[-1]).items():
                    samples[setting].setdefault(case, []).extend(times)
        units = {case: "MB" if case.startswith("peak") else "s" if case in MEMORY_SECURITY_HEAVY else "ms"
                 for case in samples["ON"]}  # fmt: skip
        return [Result(f"{case} (memory security ON; floor: OFF)", samples["ON"][case], samples["OFF"][case],
                       "— (shown for the record)", None, units[case]) for case in samples["ON"]]  # fmt: skip

    def copy_journal(self, name: str) -> Any:
        """A copy of the benchmark journal (same key) for cases that write, so the cached one stays as built."""
        from relationjournal.core.locations import resolve_location

        copy = resolve_location(self.cache / name)
        shutil.rmtree(copy.data_dir, ignore_errors=True)
        copy.data_dir.mkdir(mode=0o700)
        for path in (self.location.database, self.location.meta):
            shutil.copy2(path, copy.data_dir / path.name)
        return copy

    def memory_security_child(self, setting: str) -> dict[str, list[float]]:
        """One process's share of `memory_security`: the cases, with the setting made first."""
        import sqlcipher3

        from relationjournal.core.access import open_journal
        from relationjournal.core.records import InteractionDraft
        from relationjournal.core.vocabulary import Channel

        if setting == "ON":  # process-wide: before any connection holds a key
            sqlcipher3.connect(":memory:").execute("PRAGMA cipher_memory_security = ON").close()
        copy = self.copy_journal(f"memory-security-{setting}")
        repeat, heavy = self.args.repeat, max(1, min(self.args.repeat, self.args.heavy_repeat))
        times: dict[str, list[float]] = {}
        times["open the journal"] = timed(lambda: open_journal(copy).close(), repeat)
        journal = open_journal(copy)
        raw = self.raw(copy)
        effective = raw.execute("PRAGMA cipher_memory_security").fetchone()[0]
        assert effective == ("1" if setting == "ON" else "0"), (setting, effective)
        busiest = raw.execute(
            "SELECT person_id FROM interaction GROUP BY person_id ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()[0]
        raw.close()
        journal.due_reminders()  # the first call makes the stay-in-touch rows that have come due
        times["one person's timeline, newest 100"] = timed(lambda: journal.timeline(busiest, limit=100), repeat,
                                                           inner=50)  # fmt: skip
        times["global full-text search, top 50 of each kind"] = timed(lambda: journal.search("marathon", limit=50),
                                                                      repeat)  # fmt: skip
        times["due reminders"] = timed(journal.due_reminders, repeat)
        export_dir = copy.data_dir / "export"
        times["CSV export of the whole journal"] = timed(lambda: journal.export_csv(export_dir), heavy)

        def log_1000() -> None:
            for i in range(1000):
                journal.log_interaction(busiest, InteractionDraft(Channel.chat, summary=f"memory security {i}"))

        times["log 1,000 conversations, one transaction each"] = timed(log_1000, heavy)
        journal.close()
        status = Path("/proc/self/status")
        if status.exists():  # VmHWM: this process's peak memory
            peak = next(int(x.split()[1]) for x in status.read_text().splitlines() if x.startswith("VmHWM:"))
            times["peak memory of the process"] = [peak / 1024]
        shutil.rmtree(copy.data_dir)
        return times

    def scroll_memory(self) -> Result:
        script = textwrap.dedent(f"""
            import sys
            from relationjournal.core.access import open_journal
            from relationjournal.core.locations import resolve_location
            from relationjournal.ui.app import make_application
            from relationjournal.ui.mainwindow import MainWindow
            app = make_application()
            location = resolve_location({str(self.location.data_dir)!r})
            journal = open_journal(location)
            window = MainWindow(location, journal)
            window.resize(1280, 800)
            window.show()
            window.show_timeline()
            while window.timeline_page.count.text() in ("", "Loading…"):
                app.processEvents()
            view, model = window.timeline_page.table, window.timeline_page.model
            rows = model.rowCount()
            step = max(1, rows // 400)
            for row in range(0, rows, step):
                view.scrollTo(model.index(row, 0))
                app.processEvents()
            view.scrollToBottom()
            app.processEvents()
            # VmHWM, the peak of this process's own memory: ru_maxrss would include what the benchmark
            # process held when it started this one (Linux keeps it across exec).
            status = open("/proc/self/status").read()
            peak = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))
            print(rows, model.rows_loaded, peak)
        """)
        output = subprocess.run([sys.executable, "-c", script], env=self.env, check=True, capture_output=True,
                                text=True, timeout=1800).stdout.split()  # fmt: skip
        rows, loaded, peak_kib = (int(x) for x in output[-3:])
        peak_mb = peak_kib / 1024
        return Result(f"global timeline: scroll top to bottom ({rows:,} rows, {loaded:,} loaded)", [peak_mb], None,
                      "peak RSS ≤ 250 MB", lambda r: r.median <= 250, "MB")  # fmt: skip

    # The GUI thread's stalls ----------------------------------------------------------------------
    def gui_stalls(self) -> list[Result]:
        """The longest time the app's event loop is blocked while the user acts through the window
        (measured in a process of its own: `gui_stalls_child`). A row's values are each run's
        longest stall; its target holds the longest of all its runs."""
        env = {**self.env, "XDG_CONFIG_HOME": str(self.cache / "xdg-config")}  # the default window, no user settings
        command = [sys.executable, "-m", "relationjournal.bench", "--gui-stalls-child", "--cache", str(self.cache),
                   "--people", str(self.args.people), "--interactions", str(self.args.interactions), "--repeat",
                   str(self.args.repeat), "--heavy-repeat", str(self.args.heavy_repeat)]  # fmt: skip
        child = subprocess.run(command, env=env, capture_output=True, text=True, timeout=3600)
        if child.returncode != 0:
            raise RuntimeError(f"the GUI stall probe failed:\n{child.stderr[-4000:]}")
        stalls = json.loads(child.stdout.splitlines()[-1])
        results = []
        for key, case in STALL_CASES.items():
            if key == "idle":
                results.append(Result(case, stalls[key], None, "— (shown for the record)", None))
            else:
                target = STALL_TARGETS.get(key, STALL_TARGET)
                results.append(Result(case, stalls[key], None, f"max stall ≤ {target * 1000:.0f} ms",
                                      _longest_within(target)))  # fmt: skip
        return results

    def gui_stalls_child(self) -> dict[str, list[float]]:
        """The real main window on a copy of the journal (offscreen), each action driven through the
        app's own entry points (keystrokes, menu actions, dialogs answered by clicking their buttons)
        while a probe measures how long the event loop is blocked.

        The probe is a 1 ms precise QTimer: the gap between two of its timeouts, less the 1 ms, is
        a time the loop could run nothing else (no input, no paint). A run starts just before the
        action's first step and ends 100 ms after its result has been painted, so everything the
        action makes the GUI thread do (queries, change notices, refreshes, paints, waiting for the
        GIL a background thread holds) is in it. Returns each run's longest stall, in seconds.
        """
        from types import SimpleNamespace

        from PySide6.QtTest import QTest

        from relationjournal.core.access import create_journal, open_journal
        from relationjournal.core.locations import resolve_location
        from relationjournal.ui import dialogs, worker
        from relationjournal.ui.app import make_application
        from relationjournal.ui.mainwindow import MainWindow
        from relationjournal.ui.qt import QApplication, QDialogButtonBox, QEvent, QMessageBox, QObject, Qt, QTimer

        interval = 0.001
        repeat, heavy = self.args.repeat, max(1, min(self.args.repeat, self.args.heavy_repeat))
        copy = self.copy_journal("gui-stalls")  # the log runs write to it
        raw = self.raw(copy)
        busiest = raw.execute(
            "SELECT person_id FROM interaction GROUP BY person_id ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()[0]
        raw.close()
        exported = self.cache / "gui-stalls-import"  # what the import runs import: a small journal's export
        small = resolve_location(self.cache / "gui-stalls-import-journal")
        shutil.rmtree(small.data_dir, ignore_errors=True)
        shutil.rmtree(exported, ignore_errors=True)
        with create_journal(small).journal as made:
            made.fill_demo(people=1000, interactions=20_000, seed=2)
            imports = made.export_csv(exported)[0].parent
        shutil.rmtree(small.data_dir)
        app = make_application()
        journal = open_journal(copy)
        window = MainWindow(copy, journal)
        window.show()
        seen = SimpleNamespace(due=0.0, change=0.0, searched=0.0)  # when Today was refreshed, a change arrived, …
        window.due_refreshed.connect(lambda: setattr(seen, "due", time.perf_counter()))
        window.changes.changed.connect(lambda _change: setattr(seen, "change", time.perf_counter()))
        window.search_page.searched.connect(lambda _count: setattr(seen, "searched", time.perf_counter()))
        stalls: dict[str, list[float]] = {key: [] for key in STALL_CASES}

        class Paints(QObject):
            """When any of the watched widgets was last painted (its result on screen)."""

            def __init__(self) -> None:
                super().__init__()
                self.widgets: list[Any] = []
                self.last = 0.0

            def watch(self, *widgets: Any) -> None:
                for widget in self.widgets:
                    widget.removeEventFilter(self)
                self.widgets, self.last = list(widgets), 0.0
                for widget in widgets:
                    widget.installEventFilter(self)

            def eventFilter(self, _watched: QObject, event: QEvent) -> bool:
                if event.type() == QEvent.Type.Paint:
                    self.last = time.perf_counter()
                return False

        class Probe:
            """Measures the loop's stalls (`tick`, every 1 ms) and drives `script` (`step`, on a timer of
            its own: Qt never runs a timer's slot inside itself, and a step may open a dialog, whose own
            loop runs until a reaction answers it). Each step runs once the condition the previous one
            yielded holds; reactions run on every tick until they return True."""

            RUN_LIMIT = 1800.0  # seconds: a run that never ends (a dialog nobody answers) fails the benchmark

            def __init__(self, script: Any) -> None:
                self.script = script
                self.wait: Callable[[], bool] = lambda: True
                self.error: BaseException | None = None
                self.action, self.began, self.acted = "start-up", 0.0, 0.0
                self.deadline = time.perf_counter() + self.RUN_LIMIT
                self.reactions: list[Callable[[], bool]] = []
                self.last, self.worst = time.perf_counter(), 0.0
                self.timer = QTimer(interval=round(interval * 1000), timerType=Qt.TimerType.PreciseTimer)
                self.timer.timeout.connect(self.tick)
                self.driver = QTimer(interval=2, timerType=Qt.TimerType.PreciseTimer)
                self.driver.timeout.connect(self.step)

            def start(self) -> None:
                self.timer.start()
                self.driver.start()

            def reset(self) -> None:
                self.began = self.last = time.perf_counter()
                self.worst, self.deadline = 0.0, self.last + self.RUN_LIMIT

            def tick(self) -> None:
                now = time.perf_counter()
                self.worst = max(self.worst, now - self.last - interval)
                self.last = now
                try:
                    if now > self.deadline:
                        raise TimeoutError(f"the GUI stall probe's run of {self.action} did not end")
                    self.reactions = [react for react in self.reactions if not react()]
                except Exception as error:
                    self.stop(error)

            def step(self) -> None:
                try:
                    if self.wait():
                        self.wait = next(self.script)
                except StopIteration:
                    self.stop()
                except Exception as error:
                    self.stop(error)

            def stop(self, error: BaseException | None = None) -> None:
                self.error = self.error or error
                self.timer.stop()
                self.driver.stop()
                app.quit()

        def until(done: Callable[[], Any], seconds: float = 120.0) -> Callable[[], bool]:
            deadline = time.perf_counter() + seconds
            line = done.__code__.co_firstlineno

            def wait() -> bool:
                if done():
                    return True
                if time.perf_counter() > deadline:
                    raise TimeoutError(f"the GUI stall probe waited {seconds} s for line {line} ({probe.action})")
                return False

            return wait

        def sleep(seconds: float) -> Callable[[], bool]:
            end = time.perf_counter() + seconds
            return lambda: time.perf_counter() >= end

        def measure(action: str, *shown_in: Any) -> None:
            """Start a run of `action` (now: `probe.began`), whose result shows in the widgets `shown_in`."""
            probe.action = action
            paints.watch(*shown_in)
            probe.reset()

        def acted() -> None:
            """The user's last input of the run (a key, a menu action): its result is painted after it."""
            probe.acted = time.perf_counter()

        def on_screen() -> Any:
            """Once the result is there: wait for a paint after the last input, then 100 ms for what follows
            (the result's own paint, if it was not that one); record the run."""
            yield until(lambda: paints.last > probe.acted, 10)
            yield sleep(0.1)
            stalls[probe.action].append(probe.worst)

        def answer(kind: type, act: Callable[[Any], None]) -> Callable[[], bool]:
            """Act on the modal dialog of `kind` once it has been on screen for 100 ms, as a user would."""
            appeared: list[float] = []

            def react() -> bool:
                modal = QApplication.activeModalWidget()
                if not isinstance(modal, kind):
                    return False
                appeared.append(time.perf_counter())
                if appeared[-1] - appeared[0] < 0.1:
                    return False
                act(modal)
                return True

            return react

        def save_conversation(dialog: Any) -> None:
            QTest.keyClicks(dialog.summary, "Asked how the stall probe went")
            dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()

        def type_slowly(field: Any, text: str, gap: float) -> Any:
            for char in text:
                QTest.keyClicks(field, char)
                acted()
                yield sleep(gap)

        def script() -> Any:
            began = time.perf_counter()
            yield until(lambda: window.first_paint_time is not None and seen.due > began)
            yield sleep(1.0)  # start-up's own work settles (the people list, Today)
            for _ in range(repeat):
                probe.reset()
                yield sleep(1.0)
                stalls["idle"].append(probe.worst)

            people = window.people
            everyone = len(journal.person_ids(people.current_filter()))
            for _ in range(repeat):
                people.filter.clear()
                yield until(lambda: people.model.rowCount() == everyone)
                yield sleep(0.3)
                measure("people filter", people.view.viewport(), people.count)
                yield from type_slowly(people.filter, "amaka", 0.15)
                yield until(lambda: people.filter.text() == "amaka" and people.model.rowCount() != everyone)
                yield from on_screen()
            people.filter.clear()
            yield until(lambda: people.model.rowCount() == everyone)

            page = window.search_page
            for _ in range(repeat):
                window.search.clear()  # (an empty search runs nothing)
                window.open_person(busiest)  # the search page leaves the screen
                yield sleep(0.5)
                measure("search", page.tree.viewport(), page.title)
                yield from type_slowly(window.search, "marathon", 0.12)
                yield until(lambda: window.stack.currentWidget() is page and seen.searched > probe.began)
                yield from on_screen()

            today = window.today
            for _ in range(repeat):
                window.open_person(busiest)
                yield sleep(0.3)
                measure("today", today.cards.viewport(), today.empty)
                window.act_today.trigger()
                acted()
                yield until(lambda: window.stack.currentWidget() is today and seen.due > probe.began)
                yield from on_screen()

            window.act_insights.trigger()  # once, unmeasured: the page is made
            yield until(lambda: window.insights is not None and window.insights.insights is not None, 600)
            insights = window.insights
            assert insights is not None

            def drawn_anew(before: Any) -> Callable[[], bool]:
                return lambda: window.stack.currentWidget() is insights and insights.insights is not before

            for _ in range(repeat):
                window.open_person(busiest)
                yield sleep(0.3)
                measure("insights", insights.area.viewport(), insights.rhythm.chart)
                window.act_insights.trigger()
                acted()
                yield until(drawn_anew(insights.insights), 600)
                yield from on_screen()

            status = window.statusBar()
            for _ in range(repeat):
                window.open_person(busiest)
                status.clearMessage()
                yield sleep(0.3)
                measure("log", window.person_page.table.viewport(), status)
                probe.reactions.append(answer(dialogs.InteractionDialog, save_conversation))
                window.act_log.trigger()  # the dialog's own loop runs until the reaction clicks Save
                acted()  # (Save)
                yield until(lambda: status.currentMessage().startswith("Logged a conversation")
                            and seen.change > probe.began and seen.due > seen.change)  # fmt: skip
                yield from on_screen()

            exports = self.cache / "gui-stalls-export"
            shutil.rmtree(exports, ignore_errors=True)
            exports.mkdir()
            yes = QMessageBox.StandardButton.Yes
            for run in range(heavy):
                status.clearMessage()
                yield sleep(0.3)
                measure("export", status)
                probe.reactions.append(answer(QMessageBox, lambda box: box.button(yes).click()))
                window.export_to(exports / str(run))  # the warning's own loop runs until the reaction clicks Yes
                acted()  # (Yes)
                yield until(lambda: status.currentMessage().startswith("Exported to"), 1800)
                yield from on_screen()
            shutil.rmtree(exports)

            for _ in range(heavy):
                status.clearMessage()
                yield sleep(0.3)
                measure("import", people.view.viewport(), people.count, status)
                window.import_from(imports)
                acted()
                yield until(lambda: status.currentMessage().startswith("Imported")
                            and seen.change > probe.began and seen.due > seen.change, 1800)  # fmt: skip
                yield from on_screen()

        paints = Paints()
        probe = Probe(script())

        def excepthook(kind: type[BaseException], error: BaseException, trace: Any) -> None:
            sys.__excepthook__(kind, error, trace)  # an error in one of the app's slots fails the benchmark
            probe.stop(error)

        sys.excepthook = excepthook
        probe.start()
        app.exec()
        worker.wait_for_background_work()
        journal.close()
        shutil.rmtree(copy.data_dir)
        shutil.rmtree(exported)
        if probe.error is not None:
            raise probe.error
        return stalls

    # Output -----------------------------------------------------------------------------------------
    def table(self) -> str:
        header = ["case", "median", "min", "max", "floor (median)", "ratio", "target", "met"]
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for result in self.results:
            cells = result.row()
            cells[1:5] = [f"{c} {result.unit}" if c != "—" else c for c in cells[1:5]]
            lines.append("| " + " | ".join(cells) + " |")
        machine = (
            f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        )
        return (
            f"Measured {time.strftime('%Y-%m-%d')} on {machine}; {self.args.people:,} people, "
            f"{self.args.interactions:,} interactions; {self.args.repeat} runs a case "
            f"({max(1, min(self.args.repeat, self.args.heavy_repeat))} for export and import).\n\n" + "\n".join(lines)
        )


def main(argv: list[str] | None = None) -> int:
    import platformdirs

    parser = argparse.ArgumentParser(prog="python -m relationjournal.bench", description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--heavy-repeat", type=int, default=2, help="runs of the export and import cases")
    parser.add_argument("--cache", help="where the benchmark journal is kept (default: the user cache folder)")
    parser.add_argument("--out", type=Path, help="also write the table (Markdown) here")
    parser.add_argument("--memory-security", action="store_true",
                        help="instead: the main cases with SQLCipher's cipher_memory_security OFF and ON")  # fmt: skip
    parser.add_argument("--rounds", type=int, default=2, help="with --memory-security: processes per setting")
    parser.add_argument("--memory-security-child", choices=("ON", "OFF"), help=argparse.SUPPRESS)
    parser.add_argument("--gui-stalls-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--linkedin-import-child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--only", choices=("linkedin-import",), help="run only this case (the journal is built first)")
    args = parser.parse_args(argv)
    if args.cache is None:
        args.cache = str(
            Path(platformdirs.user_cache_dir("RelationJournal")) / f"bench-{args.people}-{args.interactions}"
        )
    bench = Bench(args)
    if args.memory_security_child:
        print(json.dumps(bench.memory_security_child(args.memory_security_child)))
        return 0
    if args.gui_stalls_child:
        print(json.dumps(bench.gui_stalls_child()))
        return 0
    if args.linkedin_import_child:
        print(json.dumps(bench.linkedin_import_child(args.linkedin_import_child)))
        return 0
    bench.build()
    if args.only == "linkedin-import":
        bench.results.extend(bench.linkedin_import_case())
    elif args.memory_security:
        bench.results.extend(bench.memory_security())
    else:
        bench.run()
    table = bench.table()
    print(table)
    if args.out:
        args.out.write_text("# Performance\n\n" + table + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
