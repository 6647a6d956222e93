"""Render the app with realistic demo data and save PNG screenshots (for the README).

Run under a virtual display, e.g.:
    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python packaging/screenshot.py docs/
It works in a temporary folder with a file keyring there (keyrings.alt, a test extra) and never
touches your own journal or keyring.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path


def settle(app) -> None:
    for _ in range(5):
        app.processEvents()


def insights_drawn(app, window) -> None:
    """Wait for Insights: its numbers are read in the background."""
    import time

    from relationjournal.ui.worker import wait_for_background_work

    deadline = time.monotonic() + 60
    while (window.insights is None or not window.insights.area.isVisible()) and time.monotonic() < deadline:
        wait_for_background_work()
        settle(app)
    settle(app)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path, help="folder for the PNG files")
    parser.add_argument("--people", type=int, default=400)
    parser.add_argument("--interactions", type=int, default=6000)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="rj-shot-"))
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        os.environ[name] = str(work / name.lower())
    os.environ["RELATIONJOURNAL_DATA_DIR"] = str(work / "data")  # the demo journal is the list's default one

    import keyring
    from keyrings.alt.file import PlaintextKeyring  # kept under the temporary XDG_DATA_HOME above

    keyring.set_keyring(PlaintextKeyring())
    from relationjournal.core.access import create_journal
    from relationjournal.core.locations import resolve_location
    from relationjournal.core.records import PeopleFilter
    from relationjournal.ui.app import make_application
    from relationjournal.ui.icons import icon, release_icons
    from relationjournal.ui.mainwindow import MainWindow
    from relationjournal.ui.palette import dark_palette
    from relationjournal.ui.unlock import FirstRunDialog, RecoveryKeyDialog
    from relationjournal.ui.worker import wait_for_background_work

    app = make_application()
    app.setWindowIcon(icon("app"))
    location = resolve_location(work / "data")

    first_run = FirstRunDialog(location)
    first_run.show()
    settle(app)
    first_run.grab().save(str(args.out / "first-run.png"))
    first_run.close()

    created = create_journal(location)
    recovery = RecoveryKeyDialog(created.recovery_key)
    recovery.show()
    settle(app)
    recovery.grab().save(str(args.out / "recovery-key.png"))
    recovery.close()

    journal = created.journal
    empty = MainWindow(location, journal)
    empty.resize(1280, 800)
    empty.show()
    settle(app)
    empty.grab().save(str(args.out / "empty.png"))
    empty.close()

    journal.set_setting("me", "Sam")
    journal.set_setting("quiet_hours", ["00:00", "00:00"])  # the screenshot does not depend on the hour
    journal.fill_demo(people=args.people, interactions=args.interactions, seed=7)
    from datetime import UTC, datetime, timedelta

    from relationjournal.core.records import InteractionDraft, PersonDraft
    from relationjournal.core.vocabulary import Channel

    earlier = datetime.now(UTC) - timedelta(days=2, hours=3)
    lena = journal.add_person(
        PersonDraft("Lena Okafor", organisation="Blue Harbour Bakery", source="new follower", tags=("community",),
                    remember="Two kids; her father was ill for a long time.",
                    why_it_matters="Our first follower in Lagos."),
        now=earlier,
    )  # fmt: skip
    journal.log_interaction(
        lena.id,
        InteractionDraft(Channel.instagram, summary="Her father passed away; sent our condolences", hard_event=True,
                         occurred_at=earlier, reached_out_by="Sam"),
        now=earlier,
    )  # fmt: skip
    window = MainWindow(location, journal)
    window.resize(1280, 800)
    window.show()
    busiest = journal.person_ids(PeopleFilter(order="last_contact"))[0]
    window.open_person(busiest)
    window.person_page.table.selectRow(0)
    settle(app)
    window.grab().save(str(args.out / "main.png"))
    window.show_timeline()
    wait_for_background_work()  # the timeline's keys load off the GUI thread
    window.timeline_page.table.selectRow(2)
    settle(app)
    window.grab().save(str(args.out / "timeline.png"))
    window.show_today()
    wait_for_background_work()  # so do the due reminders
    window.today.cards.choose_first()
    settle(app)
    window.grab().save(str(args.out / "today.png"))
    window.show_upcoming()
    wait_for_background_work()  # Upcoming reads in the background too
    settle(app)
    window.grab().save(str(args.out / "upcoming.png"))
    window.search.setText("marathon")
    window.run_search()
    wait_for_background_work()  # the search runs in the background
    settle(app)
    window.grab().save(str(args.out / "search.png"))
    window.search.clear()
    window.resize(1280, 1000)  # Insights: taller, for the rhythm and who reaches out
    window.show_insights()
    insights_drawn(app, window)
    window.grab().save(str(args.out / "insights.png"))
    window.close()
    wait_for_background_work()
    several_journals(app, args.out)

    # The person's page again, on a dark desktop (Fusion with a dark palette).
    app.setStyle("Fusion")
    app.setPalette(dark_palette())
    window = MainWindow(location, journal)
    window.resize(1280, 800)
    window.show()
    window.open_person(busiest)
    window.person_page.table.selectRow(0)
    settle(app)
    window.grab().save(str(args.out / "main-dark.png"))
    window.resize(1280, 1000)
    window.show_insights()
    insights_drawn(app, window)
    window.insights.area.verticalScrollBar().setValue(window.insights.slipping.y())  # slipping away, your load
    settle(app)
    window.grab().save(str(args.out / "insights-dark.png"))
    window.close()
    wait_for_background_work()
    journal.close()
    release_icons()
    print(f"screenshots in {args.out}")
    return 0


def framed(app, widget):
    """`widget` with its window manager's frame, whose title names the journal (the widget alone
    when no window manager frames it)."""
    for _ in range(10):
        settle(app)
        time.sleep(0.05)
    frame = widget.frameGeometry()
    if frame.height() <= widget.height():
        return widget.grab()
    return app.primaryScreen().grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height())


LONG_NAME = "Asociación de Cafés de Especialidad del Pacífico Sur y Andes"  # 60 characters: the list must cope


def several_journals(app, out: Path) -> None:
    """One journal per client: a window naming its journal (title and status bar), and File → Open
    journal… listing the client journals, one with a long name."""
    from relationjournal.core import registry
    from relationjournal.core.journals import new_journal
    from relationjournal.ui.journals import OpenJournalDialog
    from relationjournal.ui.mainwindow import MainWindow
    from relationjournal.ui.worker import wait_for_background_work

    registry.rename(registry.DEFAULT_NAME, "Northwind Studio")
    made = [new_journal(name) for name in ("Kyoto Craft Coffee", "Open Source Collective", LONG_NAME)]
    for other in made[1:]:
        other.created.journal.close()
    kyoto = made[0].created.journal
    kyoto.set_setting("me", "Sam")
    kyoto.set_setting("quiet_hours", ["00:00", "00:00"])
    kyoto.fill_demo(people=60, interactions=600, seed=11)
    window = MainWindow(made[0].entry.location, kyoto)
    window.resize(1280, 800)
    window.show()
    window.show_timeline()
    wait_for_background_work()
    framed(app, window).save(str(out / "journal-window.png"))
    dialog = OpenJournalDialog(window)
    dialog.show()
    framed(app, dialog).save(str(out / "open-journal.png"))
    dialog.close()
    window.close()
    wait_for_background_work()
    kyoto.close()


if __name__ == "__main__":
    sys.exit(main())
