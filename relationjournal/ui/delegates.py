"""Painting a person's row: name and last contact on top, organisation and tags below."""

from __future__ import annotations

from typing import TYPE_CHECKING

from relationjournal.core.records import PersonSummary
from relationjournal.core.vocabulary import Status
from relationjournal.ui import palette, text
from relationjournal.ui.models import ROW_ROLE, person_subtitle
from relationjournal.ui.qt import (
    QFont,
    QFontMetrics,
    QModelIndex,
    QObject,
    QPainter,
    QPalette,
    QPersistentModelIndex,
    QSize,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    Qt,
)

if TYPE_CHECKING:
    from relationjournal.core.journal import Journal

PADDING = 8


def row_height(metrics: QFontMetrics) -> int:
    """A person's row: two lines of text and the padding around them."""
    return metrics.height() * 2 + PADDING * 2 + 2


class PersonDelegate(QStyledItemDelegate):
    def __init__(self, journal: Journal, parent: QObject | None = None):
        super().__init__(parent)
        self.journal = journal

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return QSize(200, row_height(option.fontMetrics))

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        person: PersonSummary | None = index.data(ROW_ROLE)
        style = option.widget.style() if option.widget else None
        background = QStyleOptionViewItem(option)
        self.initStyleOption(background, index)
        background.text = ""
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, background, painter, option.widget)
        if person is None:
            return
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        colours = option.palette
        if selected:
            main = muted = colours.color(QPalette.ColorRole.HighlightedText)
        else:
            alternate = bool(option.features & QStyleOptionViewItem.ViewItemFeature.Alternate)
            main = colours.color(QPalette.ColorRole.Text)
            muted = palette.muted(colours, QPalette.ColorRole.AlternateBase if alternate else QPalette.ColorRole.Base)
        if person.status is Status.archived and not selected:
            main = muted
        rect = option.rect.adjusted(PADDING + 2, PADDING, -PADDING - 2, -PADDING)
        line = option.fontMetrics.height()
        painter.save()
        when = text.ago(person.last_contact, text.zone(self.journal))  # this window's journal's calendar days
        painter.setPen(muted)
        painter.setFont(option.font)
        when_width = option.fontMetrics.horizontalAdvance(when) + PADDING
        painter.drawText(rect.adjusted(0, 0, 0, -line), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop, when)
        bold = QFont(option.font)
        bold.setWeight(QFont.Weight.DemiBold)
        painter.setFont(bold)
        painter.setPen(main)
        name_rect = rect.adjusted(0, 0, -when_width, -line)
        name = painter.fontMetrics().elidedText(person.display_name, Qt.TextElideMode.ElideRight, name_rect.width())
        painter.drawText(name_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, name)
        painter.setFont(option.font)
        painter.setPen(muted)
        sub_rect = rect.adjusted(0, line + 2, 0, 0)
        subtitle = option.fontMetrics.elidedText(person_subtitle(person) or " ", Qt.TextElideMode.ElideRight,
                                                 sub_rect.width())  # fmt: skip
        painter.drawText(sub_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, subtitle)
        painter.restore()
