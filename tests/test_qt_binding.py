"""Guards against a Qt binding that corrupts Python's reference counts (PySide6 6.12.0 did).

A Python model's data() returns None for every role it does not answer; if the binding drops a
reference to None on each such call from C++, the app aborts ("deallocating None") after some
tens of thousands of paints. This runs the real models through the C++ path and checks.
"""

from __future__ import annotations

import gc
import sys

from relationjournal.core.journal import Journal
from relationjournal.core.records import InteractionDraft, PersonDraft
from relationjournal.core.vocabulary import Channel
from relationjournal.ui.models import PeopleModel, TimelineModel
from relationjournal.ui.qt import Qt

CALLS = 5_000


def test_model_data_called_from_cpp_keeps_reference_counts(qapp, journal: Journal) -> None:
    person = journal.add_person(PersonDraft("Ada"))
    journal.log_interaction(person.id, InteractionDraft(Channel.email, summary="hello"))
    people, timeline = PeopleModel(journal), TimelineModel(journal)
    people.set_keys(journal.person_ids())
    timeline.set_keys(journal.timeline_keys())
    unanswered = [people.index(0, 0), timeline.index(0, TimelineModel.FOLLOW_UP)]
    gc.collect()
    before = sys.getrefcount(None)
    for _ in range(CALLS):
        for index in unanswered:
            assert index.data(Qt.ItemDataRole.CheckStateRole) is None  # QModelIndex::data → C++ → Python
    gc.collect()
    assert sys.getrefcount(None) - before > -CALLS // 10
