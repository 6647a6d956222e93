"""The channel picker of a conversation: built-in channels, the user's own, and "Add a channel…"."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from relationjournal.core.errors import JournalError
from relationjournal.core.vocabulary import AnyChannel
from relationjournal.ui import text
from relationjournal.ui.icons import channel_icon, icon
from relationjournal.ui.qt import QMessageBox
from relationjournal.ui.widgets import ChoiceBox

if TYPE_CHECKING:  # only for annotations: importing it would load SQLAlchemy at start-up
    from relationjournal.core.journal import Journal

ADD_LABEL = "Add a channel…"


class _AddChannel:
    """The picker's last item: choosing it asks for a name instead of choosing a channel."""


ADD = _AddChannel()


class ChannelBox(ChoiceBox):
    """Every channel, starting at the one used last with the person (see `Journal.default_channel`).

    Choosing "Add a channel…" asks for a name, adds that channel to the journal and selects it;
    cancelled, the channel chosen before stays.
    """

    def __init__(self, journal: Journal, person_id: int | None):
        self._journal = journal
        super().__init__({}, None)
        self._reload(journal.default_channel(person_id))
        self.currentIndexChanged.connect(self._chosen)

    def _reload(self, current: AnyChannel) -> None:
        labels: dict[Any, str] = {channel: text.channel_label(channel) for channel in self._journal.channels()}
        self.set_choices({**labels, ADD: ADD_LABEL})
        for i in range(self.count() - 1):
            self.setItemIcon(i, channel_icon(self._values[i]))
        self.setItemIcon(self.count() - 1, icon("channel-custom"))
        self.blockSignals(True)
        self.set_value(current)
        self.blockSignals(False)
        self._previous = current

    def value(self) -> Any:
        chosen = super().value()
        return self._previous if chosen is ADD else chosen

    def _chosen(self, _index: int) -> None:
        if super().value() is not ADD:
            self._previous = super().value()
            return
        from relationjournal.ui.tags import ask_text

        name = ""
        while True:
            name, accepted = ask_text(self, "Add a channel", "The channel's name (e.g. Workplace, Intranet):", name,
                                      "&Add")  # fmt: skip
            if not accepted:
                self._reload(self._previous)
                return
            try:
                added = self._journal.add_channel(name)
            except JournalError as error:  # a name already taken: say so, and ask again with it kept
                QMessageBox.warning(self, "Add a channel", str(error))
                continue
            self._reload(added)
            return
