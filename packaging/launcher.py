"""The frozen app's entry point (PyInstaller): the same program as the `relationjournal` command.

With RELATIONJOURNAL_BUNDLE_CHECK set (by packaging/build.py's smoke test, never by a user), it instead
checks what the smoke test's command lines never reach: ICU's collation data, and an Insights chart
painted and saved as PNG and SVG (QtSvg and Qt's PNG writer). A bundle that lost one fails here, not in
a user's hands.
"""

import os
import sys


def bundle_check(folder: str) -> int:
    """Sort words as two languages do, then save a small chart as chart.png and chart.svg in `folder`."""
    from pathlib import Path

    from PySide6.QtCore import QCollator, QLocale, QRectF
    from PySide6.QtGui import QBrush, QColor
    from PySide6.QtWidgets import QApplication

    from relationjournal.ui import charts

    app = QApplication(sys.argv[:1])
    # ICU's collation data, kept when the bundle's ICU data is trimmed (packaging/icu.py): Swedish sorts å last.
    words = ["Zoë", "ångström", "Émile", "eli"]
    for locale, expected in (
        ("en_GB", ["ångström", "eli", "Émile", "Zoë"]),
        ("sv_SE", ["eli", "Émile", "Zoë", "ångström"]),
    ):
        if sorted(words, key=QCollator(QLocale(locale)).sortKey) != expected:
            raise SystemExit(f"QCollator sorts wrongly for {locale}: ICU's collation data is missing")
    chart = charts.Chart("Bundle check")
    chart.begin()
    brush = QBrush(QColor("steelblue"))
    chart.figure.items.append(charts.Bars([QRectF(i - 0.4, 0, 0.8, i + 1) for i in range(7)], brush))
    chart.figure.legend.append(charts.LegendEntry("Conversations", brush))
    chart.figure.x_range, chart.figure.y_range = (-0.7, 6.7), (0, 8)
    chart.resize(400, 240)
    for suffix in ("png", "svg"):
        chart.save(Path(folder) / f"chart.{suffix}")
    app.processEvents()
    print("an Insights chart saved as PNG and SVG")
    return 0


if os.environ.get("RELATIONJOURNAL_BUNDLE_CHECK"):
    raise SystemExit(bundle_check(os.environ["RELATIONJOURNAL_BUNDLE_CHECK"]))

from relationjournal.cli import main  # noqa: E402

raise SystemExit(main())
