"""The frozen app's entry point (PyInstaller): the same program as the `relationjournal` command.

With RELATIONJOURNAL_BUNDLE_CHECK set (by packaging/build.py's smoke test, never by a user), it instead
draws and exports a chart with pyqtgraph and NumPy, which the app imports only when the Insights page
opens: a bundle that lost them (or a Qt part they need) fails here, not in a user's hands.
"""

import os
import sys


def bundle_check(folder: str) -> int:
    """Plot stacked bars on a date axis offscreen and export them as a PNG into `folder`.

    (Not SVG: pyqtgraph 0.14's SVGExporter fails on Qt 6.11's path syntax outside the bundle too.)
    """
    import numpy
    import pyqtgraph
    import pyqtgraph.exporters
    from PySide6.QtCore import QCollator, QLocale
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    # ICU's collation data, kept when the bundle's ICU data is trimmed (packaging/icu.py): Swedish sorts å last.
    words = ["Zoë", "ångström", "Émile", "eli"]
    for locale, expected in (
        ("en_GB", ["ångström", "eli", "Émile", "Zoë"]),
        ("sv_SE", ["eli", "Émile", "Zoë", "ångström"]),
    ):
        if sorted(words, key=QCollator(QLocale(locale)).sortKey) != expected:
            raise SystemExit(f"QCollator sorts wrongly for {locale}: ICU's collation data is missing")
    plot = pyqtgraph.PlotWidget(axisItems={"bottom": pyqtgraph.DateAxisItem()})
    days = numpy.arange(7) * 86400.0 + 1.7e9
    plot.addItem(pyqtgraph.BarGraphItem(x=days, height=numpy.arange(1, 8), width=60000, brush="b"))
    plot.addItem(pyqtgraph.BarGraphItem(x=days, y0=numpy.arange(1, 8), height=2, width=60000, brush="r"))
    plot.resize(400, 300)
    plot.show()
    app.processEvents()
    pyqtgraph.exporters.ImageExporter(plot.plotItem).export(os.path.join(folder, "chart.png"))
    plot.close()
    print(f"pyqtgraph {pyqtgraph.__version__} with NumPy {numpy.__version__}: chart exported")
    return 0


if os.environ.get("RELATIONJOURNAL_BUNDLE_CHECK"):
    raise SystemExit(bundle_check(os.environ["RELATIONJOURNAL_BUNDLE_CHECK"]))

from relationjournal.cli import main  # noqa: E402

raise SystemExit(main())
