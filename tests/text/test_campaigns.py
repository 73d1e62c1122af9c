"""Near-identical texts grouped (MinHash, LSH, Jaccard of shingles): exact copies and light
edits group with their template, heavy edits and other questions do not, in English and Thai."""

from __future__ import annotations

import numpy as np

from consult.text.campaigns import (
    Shingles,
    campaign_template,
    campaign_templates,
    near_duplicate_groups,
    text_similarity,
)
from tests.support.campaigns import campaign_answers


def _grouped():
    a = campaign_answers()
    labels, templates = near_duplicate_groups(a["text"].tolist(), a["question"].tolist())
    return a, labels, templates


def test_exact_copies_and_light_edits_group_with_their_template():
    a, labels, _ = _grouped()
    for name in ("A", "B", "C"):
        members = labels[(a["campaign"] == name).to_numpy()]
        assert len(set(members.tolist())) == 1 and members[0] >= 0, name
        others = labels[(a["campaign"] != name).to_numpy()]
        assert members[0] not in others, name
    edits = set(a.loc[a["campaign"] != "", "edit"])
    assert {"exact copy", "greeting", "signature", "sentence added", "words changed"} <= edits


def test_heavy_edits_unrelated_answers_and_other_questions_stay_alone():
    a, labels, _ = _grouped()
    alone = labels[(a["campaign"] == "").to_numpy()]
    assert (alone == -1).all(), a.loc[a["campaign"] == "", "edit"][alone != -1].tolist()
    assert {"rewritten (first sentence kept)", "inside own answer", "paraphrase"} <= set(
        a.loc[a["campaign"] == "", "edit"]
    )
    assert "same text, other question" in set(a["edit"])


def test_labels_read_in_table_order_and_templates_are_the_shared_wording():
    a, labels, templates = _grouped()
    assert labels[labels >= 0].tolist() == sorted(labels[labels >= 0].tolist())
    for label, row in templates.items():
        assert labels[row] == label
        assert a.at[row, "edit"] == "template"  # copied most, and shared by every variant


def test_same_groups_whatever_else_is_in_the_table():
    """Hashes are content-based (CRC-32, fixed multipliers): an added answer changes nothing."""
    a = campaign_answers()
    texts, keys = a["text"].tolist(), a["question"].tolist()
    before, _ = near_duplicate_groups(texts, keys)
    after, _ = near_duplicate_groups(
        texts + ["An answer about ports and shipping lanes in the Straits of Malacca."],
        keys + [keys[0]],
    )
    assert after[: len(texts)].tolist() == before.tolist() and after[-1] == -1


def test_keys_none_leave_a_text_out_and_a_threshold_of_one_groups_copies_only():
    a = campaign_answers()
    texts = a["text"].tolist()
    keys = [None if e == "template" else q for e, q in zip(a["edit"], a["question"])]
    labels, _ = near_duplicate_groups(texts, keys)
    assert (labels[(a["edit"] == "template").to_numpy()] == -1).all()
    strict, _ = near_duplicate_groups(texts, a["question"].tolist(), threshold=1.0)
    grouped = set(a.loc[strict >= 0, "edit"])
    assert grouped == {"template", "exact copy", "exact copy, other case and spacing"}


def test_similarity_ignores_case_spacing_and_punctuation():
    t = "Connectivity must not come at the cost of the people who depend on the river."
    assert (
        text_similarity(
            t, "  CONNECTIVITY must not come, at the cost of the people who depend on the river"
        )
        == 1.0
    )
    assert text_similarity(t, "") == 0.0
    sh = Shingles([t, t + " Thank you.", ""])
    assert sh.sizes[2] == 0 and sh.sizes[1] > sh.sizes[0]
    assert np.isclose(sh.jaccard(np.array([0]), np.array([1]))[0], sh.sizes[0] / sh.sizes[1])


def test_template_is_the_wording_members_share_most():
    t = "Free QR payments across ASEAN borders would let small sellers reach buyers in every Member State."
    texts = ["Dear all, " + t, t, t + " Regards, Budi", t]
    assert campaign_template(texts) == 1  # the first copy of the most shared wording
    assert campaign_templates(texts + ["x y z"], ["a"] * 4 + ["b"]) == {"a": 1, "b": 4}
